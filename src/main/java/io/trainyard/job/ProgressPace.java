package io.trainyard.job;

import java.time.Duration;

/**
 * When the watchers of a running job get a {@code progress} event: at every look at which its iteration
 * has moved on, and otherwise early enough that no more than a second passes without one (the contract
 * of {@code GET /jobs/{id}/events}), however long one iteration takes.
 *
 * <p>The ticker looks with a fixed delay, so the look after this one comes a tick <em>plus the time this
 * tick takes</em> from now. Resending an unchanged iteration only once a whole second had passed therefore
 * landed up to a tick late (gaps of 1.02–1.24 s were measured on a slow job). An unchanged iteration is
 * resent instead from one tick and an allowance before the second is up, so that the look that sends it
 * comes within the second; the allowance covers the ticks' own durations and a late wake-up.
 *
 * <p>Not thread-safe: used under the lock of its job's watchers.
 */
final class ProgressPace {

    /** A running job's watchers get a progress event at least this often. */
    static final Duration AT_LEAST_EVERY = Duration.ofSeconds(1);

    /** Time the looks before the resend may take beyond their ticks, and a look may wake up late. */
    static final Duration ALLOWANCE = Duration.ofMillis(100);

    private final long resendAfterNanos;
    private int lastIteration = -1;
    private long lastSent;

    /** @param tick how long the ticker waits after one look before the next */
    ProgressPace(Duration tick) {
        this.resendAfterNanos =
                Math.max(0, AT_LEAST_EVERY.minus(tick).minus(ALLOWANCE).toNanos());
    }

    /** Whether a running job at {@code iteration} gets a progress event at this look, taken at {@code now}. */
    boolean due(int iteration, long now) {
        return isNew(iteration) || now - lastSent >= resendAfterNanos;
    }

    /** Whether the watchers have not been told of {@code iteration} yet. */
    boolean isNew(int iteration) {
        return iteration != lastIteration;
    }

    /** Notes that the watchers were sent {@code iteration} at {@code now} ({@link System#nanoTime()}). */
    void sent(int iteration, long now) {
        lastIteration = iteration;
        lastSent = now;
    }
}
