package io.trainyard.job;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.trainyard.system.TrainyardProperties;

/**
 * How many jobs wait in the queue (all instances together), as last counted. Under a burst of submits
 * into a full queue, counting it for every refusal took a fifth of each request's CPU time (an index
 * range of up to {@code trainyard.limits.queue-capacity} rows; docs/benchmarks.md), and the submits
 * waiting for the admission lock each counted again in turn: a count at most
 * {@code trainyard.limits.queue-count-max-age} old (100 ms) answers those refusals instead.
 *
 * <p>Only refusals may rest on an earlier count: a job is accepted only on a count made under the
 * admission lock ({@link #count()}). An earlier count is kept so that it never says more than are
 * queued, as far as this instance can know: each job that leaves the queue here (claimed by a worker,
 * or cancelled while queued) is taken off it once that has committed, whether or not the count saw it
 * go, and each job queued here is added to it under the admission lock, and forgotten if its
 * transaction rolls back. Jobs claimed by another instance are seen once the count is that old.
 *
 * <p><b>Reservations.</b> A submit that has passed validation holds its place here ({@link #reserve})
 * before it opens its transaction, until it joins the queue or gives up. When one place comes free
 * in a full queue, every submit in a burst used to see it: each opened a transaction (a pooled
 * connection) and waited for the admission lock, only to be refused in turn behind the one that got
 * it. Under 32 clients submitting into a full queue, three fifths of a request's time went to those
 * waits (connection pool and lock; docs/benchmarks.md, session 22). Now the first takes the place
 * and the others are refused at once. A reservation only ever refuses: acceptance is still decided
 * under the admission lock on a count made for it.
 */
@Component
public class QueueGauge {

    /**
     * A count, and how many jobs had left the queue here ({@link #left}) when it was made: those that
     * leave after it are taken off it.
     */
    private record Reading(int queued, long leftBefore, long countedAt) {}

    private final JobRepository jobs;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    /** Jobs that left the queue on this instance so far. */
    private final AtomicLong left = new AtomicLong();

    private final AtomicReference<Reading> last = new AtomicReference<>();
    /** Places held by submits between {@link #reserve} and their admission (or their giving up). */
    private final AtomicInteger pending = new AtomicInteger();

    /** Places held for {@code count} jobs of one submit; closing it gives back what it still holds. */
    final class Reservation implements AutoCloseable {

        private int held;

        private Reservation(int count) {
            this.held = count;
        }

        /**
         * Gives the places back: when the submit is refused, fails, or has just been admitted (its jobs
         * are then in the count, {@link #joined}). Idempotent.
         */
        @Override
        public void close() {
            if (held > 0) {
                pending.addAndGet(-held);
                held = 0;
            }
        }
    }

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
        // Read before the query: a job that leaves while it runs is taken off even if the count did not
        // see it, which can only make the count say fewer than are queued.
        long leftBefore = left.get();
        long countedAt = nanoClock.getAsLong();
        int queued = jobs.countByStatus(JobStatus.QUEUED);
        last.set(new Reading(queued, leftBefore, countedAt));
        return queued;
    }

    /** The last count when it is still fresh, else a new one. */
    int recent() {
        OptionalInt known = lastFresh();
        return known.isPresent() ? known.getAsInt() : count();
    }

    /** The last count, less the jobs that have left here since, when it is still fresh; nothing is counted. */
    OptionalInt lastFresh() {
        Reading reading = last.get();
        if (reading == null || nanoClock.getAsLong() - reading.countedAt() > maxAgeNanos) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.max(0, reading.queued() - (left.get() - reading.leftBefore())));
    }

    /**
     * Holds {@code count} places when the queue, as counted of late (counting it now if that count is
     * stale), with the places other submits hold, has room for them.
     *
     * @param full the refusal to throw otherwise, given the jobs counted and the places held by others
     */
    Reservation reserve(int count, int capacity, Refusal full) {
        int queued = recent();
        while (true) {
            int held = pending.get();
            if ((long) queued + held + count > capacity) {
                throw full.of(queued, held);
            }
            if (pending.compareAndSet(held, held + count)) {
                return new Reservation(count);
            }
        }
    }

    /** Why a submit is refused, given the jobs queued and the places held by other submits. */
    @FunctionalInterface
    interface Refusal {
        RuntimeException of(int queued, int held);
    }

    /** Places held by submits that have not joined the queue yet ({@link #reserve}). */
    int pending() {
        return pending.get();
    }

    /**
     * {@code count} jobs join the queue with the current transaction, admitted under the admission lock
     * right after {@link #count()}: the next submit waiting for the lock is refused on the sum without
     * counting again. Forgotten if the transaction rolls back.
     */
    void joined(int count) {
        last.updateAndGet(reading -> reading == null
                ? null
                : new Reading(reading.queued() + count, reading.leftBefore(), reading.countedAt()));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        last.set(null);
                    }
                }
            });
        }
    }

    @TransactionalEventListener(fallbackExecution = true)
    void started(JobStarted event) {
        left.incrementAndGet();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void cancelledWhileQueued(JobCancelledWhileQueued event) {
        left.incrementAndGet();
    }
}
