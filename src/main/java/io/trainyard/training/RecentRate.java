package io.trainyard.training;

import java.time.Duration;

/**
 * An attempt's iterations per second over its last {@link #WINDOW} or so, not since it started: a
 * whole-attempt average goes on counting a pause ({@code SIGSTOP}, a frozen VM) or a slow spell for as
 * long as the attempt lasts, and an audit saw the ETA it gives stay three times too long for minutes
 * after a 40 s pause, and the first readings after a restart count the JIT's warm-up.
 *
 * <p>Keeps a small ring of (time, iteration) samples, one every {@code WINDOW / 20} at most; the rate
 * is measured from the newest sample that is at least a window old (the attempt's start while the
 * attempt is younger than that) to now, so it covers between one window and one window plus a sample's
 * spacing. After a pause it is low for at most one window, then the pause has left it. Used by the
 * training thread only: not thread-safe, and no allocation after construction.
 */
final class RecentRate {

    /** How far back the rate looks. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private static final long WINDOW_NANOS = WINDOW.toNanos();
    private static final int SAMPLES_PER_WINDOW = 20;
    private static final long SPACING_NANOS = WINDOW_NANOS / SAMPLES_PER_WINDOW;
    /**
     * Samples at least {@code SPACING_NANOS} apart, all but the oldest younger than a window: at most
     * {@code SAMPLES_PER_WINDOW} of them, the oldest, and the one being added.
     */
    private static final int SLOTS = SAMPLES_PER_WINDOW + 2;

    private final long[] times = new long[SLOTS];
    private final int[] iterations = new int[SLOTS];
    private int oldest;
    private int size;

    /** @param startIteration the point the attempt resumes after, at {@code startNanos}: the first base */
    RecentRate(long startNanos, int startIteration) {
        add(startNanos, startIteration);
    }

    /**
     * The rate at {@code iteration}, reached at {@code nowNanos} (never earlier than the previous call's
     * time); the point becomes a sample when the newest is a spacing old.
     *
     * @return iterations per second, or null when none was trained over the span measured (the attempt's
     *     first point, or a clock that did not move)
     */
    Double at(long nowNanos, int iteration) {
        while (size > 1 && nowNanos - times[slot(1)] >= WINDOW_NANOS) {
            oldest = slot(1);
            size--;
        }
        long span = nowNanos - times[oldest];
        int done = iteration - iterations[oldest];
        if (nowNanos - times[slot(size - 1)] >= SPACING_NANOS) {
            add(nowNanos, iteration);
        }
        return done > 0 && span > 0 ? done / (span / 1e9) : null;
    }

    private void add(long nanos, int iteration) {
        if (size == SLOTS) {
            // Not reached with a monotonic clock (see SLOTS); dropping the oldest keeps the rate recent.
            oldest = slot(1);
            size--;
        }
        int at = slot(size);
        times[at] = nanos;
        iterations[at] = iteration;
        size++;
    }

    private int slot(int index) {
        return (oldest + index) % SLOTS;
    }
}
