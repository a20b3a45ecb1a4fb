package io.trainyard.job;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import io.trainyard.system.TrainyardProperties;

/**
 * How many jobs wait in the queue (all instances together), as last counted. Under a burst of submits
 * into a full queue, counting it for every refusal took a fifth of each request's CPU time (an index
 * range of up to {@code trainyard.limits.queue-capacity} rows; docs/benchmarks.md): a count at most
 * {@code trainyard.limits.queue-count-max-age} old (100 ms) answers those refusals instead.
 *
 * <p>Only refusals may rest on an earlier count: a job is accepted only on a count made under the
 * admission lock ({@link #count()}). An earlier count is forgotten as soon as a job leaves the queue
 * here (claimed by a worker of this instance, or cancelled while queued), after that change has
 * committed: this instance never refuses on a count its own claims or cancellations have made stale.
 * Another instance's claims are seen once the count is that old.
 */
@Component
public class QueueGauge {

    private record Reading(int queued, long generation, long countedAt) {}

    private final JobRepository jobs;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    /** Bumped whenever a job leaves the queue here; a count made before the bump no longer answers. */
    private final AtomicLong generation = new AtomicLong();

    private volatile Reading last;

    @Autowired
    QueueGauge(JobRepository jobs, TrainyardProperties properties) {
        this(jobs, properties.limits().queueCountMaxAge(), System::nanoTime);
    }

    QueueGauge(JobRepository jobs, Duration maxAge, LongSupplier nanoClock) {
        this.jobs = jobs;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Counts the queued jobs now (and keeps the count for {@link #recent()}). */
    int count() {
        // Read before the query: a job that leaves the queue while it runs makes this count stale at once.
        long counting = generation.get();
        long countedAt = nanoClock.getAsLong();
        int queued = jobs.countByStatus(JobStatus.QUEUED);
        last = new Reading(queued, counting, countedAt);
        return queued;
    }

    /** The last count when it is still fresh, else a new one. */
    int recent() {
        OptionalInt known = lastFresh();
        return known.isPresent() ? known.getAsInt() : count();
    }

    /** The last count when it is still fresh; nothing is counted. */
    OptionalInt lastFresh() {
        Reading reading = last;
        if (reading == null
                || reading.generation() != generation.get()
                || nanoClock.getAsLong() - reading.countedAt() > maxAgeNanos) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(reading.queued());
    }

    @TransactionalEventListener(fallbackExecution = true)
    void started(JobStarted event) {
        generation.incrementAndGet();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void cancelledWhileQueued(JobCancelledWhileQueued event) {
        generation.incrementAndGet();
    }
}
