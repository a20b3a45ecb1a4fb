package io.trainyard.history;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.system.DaemonThreads;
import io.trainyard.system.DatabaseFailures;
import io.trainyard.system.TrainyardProperties;

/**
 * Writes history batches on one background thread, so training threads never wait for the
 * database. One thread keeps each job's batches in order.
 *
 * <p>Each batch is written in one transaction that starts with the caller's fence (a fenced update
 * of the job row that also locks it): a worker that lost its claim writes nothing. A batch that
 * could not be stored because the database was out of reach is tried again until
 * {@code heartbeat-timeout} after it was queued (by then its claim may have lapsed and its job been
 * recovered: the fence would refuse it anyway); any other failure fails it at once. Either way its
 * future fails, and no later batch of the same {@link Sequence} is stored: a history that stops
 * early is a prefix of the run, never one with a hole (a 4,096-point gap was stored when the batches
 * queued behind a failed one were written once the database came back).
 */
@Component
public class HistoryWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HistoryWriter.class);
    private static final long FIRST_PAUSE_MILLIS = 200;
    private static final long LONGEST_PAUSE_MILLIS = 2_000;

    private final HistoryRepository history;
    private final TransactionTemplate transactions;
    private final long retryNanos;
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(DaemonThreads.named("trainyard-history-writer"));

    @Autowired
    HistoryWriter(HistoryRepository history, TransactionTemplate transactions, TrainyardProperties properties) {
        this(history, transactions, properties.heartbeatTimeout());
    }

    /** Retries a batch lost to an unreachable database until {@code retryFor} after it was queued. */
    HistoryWriter(HistoryRepository history, TransactionTemplate transactions, Duration retryFor) {
        this.history = history;
        this.transactions = transactions;
        this.retryNanos = retryFor.toNanos();
    }

    /** The batches of one attempt of {@code jobId}: stored in order, and none after one that failed. */
    public Sequence sequence(String jobId) {
        return new Sequence(jobId);
    }

    /** One attempt's batches (see {@link #sequence}). */
    public final class Sequence {

        private final String jobId;
        // Set on the writer thread when a batch fails, or by the attempt when it stops on its own.
        private volatile Throwable failure;

        private Sequence(String jobId) {
            this.jobId = jobId;
        }

        /**
         * Queues a batch. In one transaction: {@code fence} (false: the claim is lost, nothing is
         * written), the batch (null for none), then {@code alongside} (e.g. a checkpoint at the batch's
         * last point, which must never be stored without the points before it).
         *
         * @return completes with true once stored, false when the fence refused, exceptionally when the
         *     batch could not be stored or an earlier batch of this sequence was not ({@link
         *     BatchDroppedException}, caused by that batch's failure)
         */
        public Future<Boolean> write(HistoryChunk chunk, BooleanSupplier fence, Runnable alongside) {
            long queuedAt = System.nanoTime();
            return executor.submit(() -> store(this, chunk, fence, alongside, queuedAt));
        }

        /** Stores nothing more of this sequence: the batches still queued fail, caused by {@code why}. */
        public void stop(Throwable why) {
            if (failure == null) {
                failure = why;
            }
        }
    }

    private boolean store(
            Sequence sequence, HistoryChunk chunk, BooleanSupplier fence, Runnable alongside, long queuedAt)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Throwable earlier = sequence.failure;
            if (earlier != null) {
                throw new BatchDroppedException(sequence.jobId, earlier);
            }
            try {
                return Boolean.TRUE.equals(transactions.execute(status -> {
                    if (!fence.getAsBoolean()) {
                        return false;
                    }
                    if (chunk != null) {
                        history.insert(chunk);
                    }
                    if (alongside != null) {
                        alongside.run();
                    }
                    return true;
                }));
            } catch (RuntimeException | Error e) {
                if (!DatabaseFailures.isTransient(e)
                        || System.nanoTime() - queuedAt >= retryNanos
                        || executor.isShutdown()) {
                    sequence.stop(e);
                    throw e;
                }
                log.warn(
                        "Job {}: history batch not stored (attempt {}), trying again: {}",
                        sequence.jobId,
                        attempt,
                        e.toString());
                // Backing off between tries, not waiting for anything in particular.
                Thread.sleep(Math.min(FIRST_PAUSE_MILLIS << Math.min(attempt - 1, 4), LONGEST_PAUSE_MILLIS));
            }
        }
    }

    /** A batch not stored because an earlier one of its sequence was not: storing it would leave a gap. */
    public static final class BatchDroppedException extends RuntimeException {

        BatchDroppedException(String jobId, Throwable earlier) {
            super(
                    "a history batch of job " + jobId + " was dropped: an earlier one was not stored (" + earlier + ")",
                    earlier);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
