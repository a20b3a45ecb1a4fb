package io.trainyard.history;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import io.trainyard.system.ServiceBusyException;
import io.trainyard.system.TrainyardProperties;

/**
 * Lets only so many long histories be read whole at once, so that concurrent reads cannot fill the
 * heap between them.
 *
 * <p><b>Why.</b> A read without {@code maxPoints} answers the whole history and holds it whole: its
 * decoded batches, its columns and the answer's text. For a million-point history that is 117 MB of
 * JSON alone; six such reads at once on a 256 MB heap answered five 500s ({@code OutOfMemoryError}),
 * and an {@code OutOfMemoryError} inside the embedded database's writer closes the database for
 * everyone. A read of more than {@link #SMALL} points reserves its estimated memory
 * ({@link #estimate}) from a budget of half the heap, for the whole request (the answer is written
 * before the request ends), and waits up to {@code trainyard.limits.large-request-wait} for it; one
 * that gets none is answered 503 with {@code Retry-After}. Shorter reads, and every downsampled one
 * (bounded whatever the length), never wait.
 */
@Component
class WholeHistoryReads {

    /** Points below which a whole read is never held back: a few MB. */
    static final long SMALL = 65_536;

    private static final long MIB = 1024 * 1024;

    private final int budgetMib;
    private final Semaphore budget;
    private final long waitNanos;
    /** Names the release callbacks apart (one request may read more than one history). */
    private final AtomicLong reservations = new AtomicLong();

    WholeHistoryReads(TrainyardProperties properties) {
        this.budgetMib = (int)
                Math.max(1, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 2 / MIB));
        this.budget = new Semaphore(budgetMib, true);
        this.waitNanos = properties.limits().largeRequestWait().toNanos();
    }

    /**
     * Bytes a whole read of {@code points} points of a network with {@code layers} weight matrices may
     * hold at its peak: per point the iteration, three losses, three mean squared errors, and a gradient
     * and a weight norm per layer, as decoded doubles, as columns and as text of about three times that.
     */
    static long estimate(long points, int layers) {
        return points * (7L + 2L * layers) * Double.BYTES * 5;
    }

    /**
     * Reserves the memory of a whole read of {@code points} points for the rest of the current request.
     *
     * @throws ServiceBusyException when the budget had no room for it within the wait
     */
    void admit(long points, int layers) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (points <= SMALL || request == null) {
            return;
        }
        int mib = (int) Math.min(budgetMib, Math.max(1, (estimate(points, layers) + MIB - 1) / MIB));
        boolean admitted;
        try {
            admitted = budget.tryAcquire(mib, waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            throw new ServiceBusyException(
                    "Other whole reads of long histories are using the memory this one needs (about " + mib
                            + " MiB for " + points + " points); send it again in a few seconds, or ask for "
                            + "?maxPoints=… (a bounded read that never waits).",
                    Duration.ofSeconds(5));
        }
        // Given back when the request completes, after its answer has been written.
        request.registerDestructionCallback(
                WholeHistoryReads.class.getName() + "." + reservations.incrementAndGet(),
                () -> budget.release(mib),
                RequestAttributes.SCOPE_REQUEST);
    }

    /** MiB free now (tests wait on it). */
    int available() {
        return budget.availablePermits();
    }
}
