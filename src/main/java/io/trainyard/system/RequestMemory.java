package io.trainyard.system;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The working memory of requests that need a lot of it at once, shared out so that concurrent ones
 * cannot fill the heap between them: whole reads of long histories ({@code history/HistoryService})
 * and JSON predictions ({@code model/Predictions}).
 *
 * <p><b>Why.</b> Each such request is checked alone (a prediction against
 * {@code trainyard.limits.max-job-memory}), but not against the others: six whole reads of a
 * million-point history at once (117 MB of JSON each), or four predictions of a million rows, on a
 * 256 MB heap answered 500s with {@code OutOfMemoryError}, and an {@code OutOfMemoryError} inside the
 * embedded database's writer closes the database for everyone. Such a request reserves its estimate
 * from a budget of a quarter of the heap (training jobs have their own half, {@code memory-budget}) for
 * the whole request, since its answer is written before the request ends, and waits up to
 * {@code trainyard.limits.large-request-wait}; one that gets none is answered 503 with
 * {@code Retry-After}. Estimates below {@link #SMALL} never wait.
 */
@Component
public class RequestMemory {

    /** Reservations below this are not made: a few MB, what any request may use. */
    static final long SMALL = 8L * 1024 * 1024;

    private static final long MIB = 1024 * 1024;

    private final int budgetMib;
    private final Semaphore budget;
    private final long waitNanos;
    /** Names the release callbacks apart (one request may reserve more than once). */
    private final AtomicLong reservations = new AtomicLong();

    RequestMemory(TrainyardProperties properties) {
        this.budgetMib = (int)
                Math.max(1, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / MIB));
        this.budget = new Semaphore(budgetMib, true);
        this.waitNanos = properties.limits().largeRequestWait().toNanos();
    }

    /**
     * Reserves {@code bytes} (at most the whole budget) for the rest of the current request.
     *
     * @param what the work, for the refusal, e.g. "a whole read of 1000001 history points"
     * @param instead what to do instead, for the refusal
     * @throws ServiceBusyException when the budget had no room for it within the wait
     */
    public void reserve(long bytes, String what, String instead) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (bytes < SMALL || request == null) {
            return;
        }
        int mib = (int) Math.min(budgetMib, Math.max(1, (bytes + MIB - 1) / MIB));
        boolean admitted;
        try {
            admitted = budget.tryAcquire(mib, waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            throw new ServiceBusyException(
                    "Other requests are using the working memory " + what + " needs (about " + mib + " of " + budgetMib
                            + " MiB); send it again in a few seconds, or " + instead + ".",
                    Duration.ofSeconds(5));
        }
        // Given back when the request completes, after its answer has been written.
        request.registerDestructionCallback(
                RequestMemory.class.getName() + "." + reservations.incrementAndGet(),
                () -> budget.release(mib),
                RequestAttributes.SCOPE_REQUEST);
    }

    /** MiB free now (tests wait on it). */
    int available() {
        return budget.availablePermits();
    }
}
