package io.trainyard.job;

import java.time.Duration;
import java.util.OptionalInt;

import org.springframework.stereotype.Component;

import io.trainyard.system.QueueFullException;
import io.trainyard.system.TrainyardProperties;

/**
 * Whether the queue can take more jobs, as far as the counts of {@link QueueGauge} can tell, and the
 * 429 that says it cannot.
 *
 * <p><b>Why a bean of its own.</b> Under a burst into a full queue nearly every submit ends here,
 * before its body is read ({@link FullQueueInterceptor}). Asked through {@link JobService}, which is
 * proxied for its transactions, each refusal went through the proxy's reflective call: the exception
 * came back wrapped in an {@code InvocationTargetException} whose ~100-frame stack trace was filled in
 * and thrown away. Asked here instead, a burst of 32 clients got 30 % more refusals a second, each for
 * a fifth less CPU (docs/benchmarks.md, session 36). Nothing here is transactional, so nothing proxies it.
 */
@Component
public class QueueRefusals {

    private final QueueGauge queue;
    private final TrainyardProperties properties;

    QueueRefusals(QueueGauge queue, TrainyardProperties properties) {
        this.queue = queue;
        this.properties = properties;
    }

    /**
     * Refuses a submit before its body is read (a sweep: right after its body is checked) when a count of
     * the last moments already says the queue is full, places held by submits being admitted included;
     * does nothing when there is no such count. Dry runs queue nothing and are not refused.
     *
     * @throws QueueFullException when the queue could not take even one more job
     */
    public void refuseEarly() {
        OptionalInt queued = queue.lastFresh();
        if (queued.isPresent()) {
            refuseWhenFull(queued.getAsInt(), queue.pending(), 1);
        }
    }

    /** Holds {@code count} places in the queue, or refuses when it has no room for them. */
    QueueGauge.Reservation reserve(int count) {
        return queue.reserve(count, capacity(), (queued, held) -> queueFull(queued, held, count));
    }

    /** Refuses {@code count} more jobs when a fresh count already says the queue cannot take them. */
    void refuseWhenKnownFull(int count) {
        OptionalInt queued = queue.lastFresh();
        if (queued.isPresent()) {
            refuseWhenFull(queued.getAsInt(), 0, count);
        }
    }

    /**
     * Refuses {@code count} more jobs when {@code queued} already wait, {@code joining} more are being
     * queued by other submits, and the queue cannot take them.
     */
    void refuseWhenFull(int queued, int joining, int count) {
        if ((long) queued + joining + count > capacity()) {
            throw queueFull(queued, joining, count);
        }
    }

    private int capacity() {
        return properties.limits().queueCapacity();
    }

    /**
     * A sweep's refusal names what it adds: "holds 5 of 10" alone read as if there were room for it.
     * A sweep larger than the whole queue never gets here (SweepService refuses it with a 400).
     */
    private QueueFullException queueFull(int queued, int joining, int count) {
        int capacity = capacity();
        String waiting = "The queue holds " + queued + " jobs"
                + (joining > 0 ? " (and " + joining + " more are being queued)" : "");
        String detail = count == 1
                ? waiting + " and takes at most " + capacity + " (trainyard.limits.queue-capacity)"
                : waiting + " of the " + capacity + " it takes (trainyard.limits.queue-capacity); this sweep's " + count
                        + " members would make " + ((long) queued + joining + count);
        return new QueueFullException(detail + "; try again once some have started.", Duration.ofSeconds(10));
    }
}
