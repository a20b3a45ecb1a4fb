package io.trainyard.training;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.trainyard.history.HistoryChunk;
import io.trainyard.history.HistoryWriter;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.nn.Diagnostics;
import io.trainyard.nn.IterationReport;
import io.trainyard.nn.TrainingListener;
import io.trainyard.nn.TrainingState;
import io.trainyard.nn.TrainingView;

/**
 * The training listener of one job attempt: buffers history points in primitive arrays, hands a
 * full batch (or one that is {@code flushInterval} old) to the {@link HistoryWriter}, takes a
 * checkpoint every {@code checkpointInterval}, publishes progress for readers (its rate is that of
 * the last few seconds: {@link RecentRate}) and logs it every {@code logInterval}. Runs on the
 * training thread, so the per-iteration work is a few array stores and one clock read; a checkpoint
 * copies the parameters once. Diagnostics (one scan of the hidden activations) are computed only at
 * a flush, and stored with that batch.
 *
 * <p>A checkpoint at point k is written in the same transaction as the batch that ends at k, so a
 * stored checkpoint always has every history point up to it. Every transaction starts with the
 * attempt's fenced progress update: when it finds the claim stale, the job is marked lost and the
 * run stops at its next point.
 */
final class HistoryRecorder implements TrainingListener {

    private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);
    /** Points buffered at most before they are written. */
    private static final int BATCH = 4096;

    private static final long PUBLISH_EVERY_NANOS = 50_000_000L;

    /**
     * Where full batches go: the attempt's {@link HistoryWriter.Sequence}, which stores none after
     * one that failed (see {@link HistoryWriter.Sequence#write}).
     */
    interface Batches {

        Future<Boolean> write(HistoryChunk chunk, BooleanSupplier fence, Runnable alongside);
    }

    /** The attempt's fenced writes, run on the writer thread inside its transaction. */
    interface AttemptWrites {

        /** Stores the progress if the claim stands (locking the job row); false when it does not. */
        boolean progress(LiveProgress progress);

        /** Replaces the job's checkpoint (after {@link #progress} returned true in the same transaction). */
        void checkpoint(int iteration, byte[] state);
    }

    private final RunningJob job;
    private final Batches writer;
    private final AttemptWrites writes;
    private final JobMetrics metrics;
    private final int layers;
    private final int startIteration;
    private final long flushNanos;
    private final long checkpointNanos;
    private final long logNanos;
    private final LongSupplier clock;
    private final RecentRate rate;

    /**
     * Points buffered before a write: {@link #BATCH}, or one more than the job reports in all when that
     * is fewer. A sweep's or a script's short jobs each allocated the full buffers (about 200 KB for two
     * layers), 4 % of what the service allocated under a burst of 10-iteration submits. The one spare
     * place keeps a run's last point from filling the buffer: a full buffer goes to the writer thread in a
     * transaction of its own, where the points of a run that fits are left for its outcome's transaction.
     */
    private final int capacity;

    private final double[] train;
    private final double[] validation;
    private final double[] test;
    private final double[] norms;
    private final double[] weightNorms;
    private boolean weightNormsSeen = true;
    private Consumer<Diagnostics> storeDiagnostics = d -> {};
    private Function<TrainingState, byte[]> encodeCheckpoint = TrainingState::encode;
    private int first;
    private int count;
    private int unreportedIterations;
    private long lastFlush;
    private long lastCheckpoint;
    private long lastPublish;
    private long lastLog;
    private IterationReport latest;
    private final Deque<Future<Boolean>> pending = new ArrayDeque<>();

    /**
     * @param startIteration the point this attempt resumes after (0 for a fresh start): progress
     *     rates count from it
     */
    HistoryRecorder(
            RunningJob job,
            int layers,
            boolean hasValidation,
            boolean hasTest,
            int startIteration,
            Batches writer,
            AttemptWrites writes,
            JobMetrics metrics,
            Duration flushInterval,
            Duration checkpointInterval,
            Duration logInterval) {
        this(
                job,
                layers,
                hasValidation,
                hasTest,
                startIteration,
                writer,
                writes,
                metrics,
                flushInterval,
                checkpointInterval,
                logInterval,
                System::nanoTime);
    }

    /** The same, reading time from {@code clock} (monotonic nanoseconds, as {@link System#nanoTime}). */
    HistoryRecorder(
            RunningJob job,
            int layers,
            boolean hasValidation,
            boolean hasTest,
            int startIteration,
            Batches writer,
            AttemptWrites writes,
            JobMetrics metrics,
            Duration flushInterval,
            Duration checkpointInterval,
            Duration logInterval,
            LongSupplier clock) {
        this.job = job;
        this.writer = writer;
        this.writes = writes;
        this.metrics = metrics;
        this.layers = layers;
        this.startIteration = startIteration;
        // Iterations startIteration..iterations are reported (early stopping may end sooner); a longer
        // run than that would only be written in more batches.
        this.capacity = (int) Math.max(1, Math.min(BATCH, (long) job.iterations() - startIteration + 2));
        this.train = new double[capacity];
        this.validation = hasValidation ? new double[capacity] : null;
        this.test = hasTest ? new double[capacity] : null;
        this.norms = new double[capacity * layers];
        this.weightNorms = new double[capacity * layers];
        this.flushNanos = flushInterval.toNanos();
        this.checkpointNanos = checkpointInterval.toNanos();
        this.logNanos = logInterval.toNanos();
        this.clock = clock;
        long startNanos = clock.getAsLong();
        this.rate = new RecentRate(startNanos, startIteration);
        this.lastFlush = startNanos;
        this.lastCheckpoint = startNanos;
        this.lastLog = startNanos;
        this.lastPublish = startNanos - PUBLISH_EVERY_NANOS; // the first point is published at once
    }

    /** Where diagnostics computed at a flush go (on the writer's thread, once that batch is stored). */
    HistoryRecorder storingDiagnostics(Consumer<Diagnostics> store) {
        this.storeDiagnostics = store;
        return this;
    }

    /** How checkpoints are stored; by default the engine's state alone. */
    HistoryRecorder encodingCheckpoints(Function<TrainingState, byte[]> encode) {
        this.encodeCheckpoint = encode;
        return this;
    }

    @Override
    public void onIteration(IterationReport report) {
        onIteration(report, null);
    }

    @Override
    public void onIteration(IterationReport report, TrainingView run) {
        if (count == 0) {
            first = report.iteration();
        }
        train[count] = report.trainLoss();
        if (validation != null) {
            validation[count] = report.validationLoss();
        }
        if (test != null) {
            test[count] = report.testLoss();
        }
        System.arraycopy(report.gradientNorms(), 0, norms, count * layers, layers);
        if (report.weightNorms() != null) {
            System.arraycopy(report.weightNorms(), 0, weightNorms, count * layers, layers);
        } else {
            weightNormsSeen = false;
        }
        count++;
        latest = report;
        if (report.iteration() > startIteration) {
            unreportedIterations++;
        }
        long now = clock.getAsLong();
        if (now - lastPublish >= PUBLISH_EVERY_NANOS || report.iteration() == job.iterations()) {
            lastPublish = now;
            job.publish(progress(now));
        }
        if (run != null && now - lastCheckpoint >= checkpointNanos && report.iteration() < job.iterations()) {
            lastCheckpoint = now;
            flush(now, run.checkpoint(), run.diagnostics());
        } else if (count == capacity || now - lastFlush >= flushNanos) {
            flush(now, null, run == null ? null : run.diagnostics());
        }
        if (now - lastLog >= logNanos) {
            lastLog = now;
            LiveProgress p = job.progress();
            log.info(
                    "Job {}{}: iteration {}/{} ({}%), train loss {}, {} it/s",
                    job.id(),
                    job.owner() == null ? "" : " of " + job.owner(),
                    report.iteration(),
                    job.iterations(),
                    String.format("%.1f", 100.0 * report.iteration() / Math.max(1, job.iterations())),
                    String.format("%.6g", report.trainLoss()),
                    p == null || p.iterationsPerSecond() == null
                            ? "?"
                            : String.format("%.1f", p.iterationsPerSecond()));
        }
    }

    /**
     * Writes what is buffered (with {@code checkpoint}, when the run stopped and can be resumed)
     * and waits until every batch of this attempt is stored.
     *
     * @return false when the claim turned out to be lost (some batch was refused)
     * @throws ExecutionException when a batch could not be stored
     */
    boolean finish(TrainingState checkpoint) throws ExecutionException, InterruptedException {
        long now = clock.getAsLong();
        if (latest != null) {
            job.publish(progress(now));
        }
        flush(now, checkpoint, null);
        boolean held = true;
        while (!pending.isEmpty()) {
            held &= pending.poll().get();
        }
        return held && !job.claimLost();
    }

    /** The points not yet handed to the writer, and the progress at the last of them (both null before any point). */
    record Tail(HistoryChunk chunk, LiveProgress progress) {}

    /**
     * Waits until every batch handed to the writer is stored and returns what is still buffered, for
     * the caller to store in the transaction that records the outcome: one transaction (and one
     * hand-over to the writer thread) fewer at the end of every job. The caller must store it
     * fenced, as a batch is: after a statement that writes {@link Tail#progress} under the claim (the
     * final status's, {@link JobClaims.FinalRow}) in the same transaction.
     *
     * @return the tail, or null when the claim turned out to be lost (some batch was refused)
     * @throws ExecutionException when a batch could not be stored
     */
    Tail finishKeepingTail() throws ExecutionException, InterruptedException {
        long now = clock.getAsLong();
        LiveProgress atEnd = latest == null ? null : progress(now);
        if (atEnd != null) {
            job.publish(atEnd);
        }
        boolean held = true;
        while (!pending.isEmpty()) {
            held &= pending.poll().get();
        }
        if (!held || job.claimLost()) {
            return null;
        }
        Tail tail = new Tail(count == 0 ? null : buffered(), atEnd);
        metrics.iterations(unreportedIterations);
        unreportedIterations = 0;
        count = 0;
        return tail;
    }

    private void flush(long now, TrainingState checkpoint, Diagnostics diagnostics) {
        lastFlush = now;
        failIfAnyBatchFailed();
        if (count == 0 && checkpoint == null) {
            return;
        }
        HistoryChunk chunk = count == 0 ? null : buffered();
        LiveProgress atEnd = latest == null ? null : progress(now);
        byte[] state = checkpoint == null ? null : encodeCheckpoint.apply(checkpoint);
        int at = checkpoint == null ? -1 : checkpoint.iteration();
        pending.add(writer.write(
                chunk,
                () -> {
                    boolean held = atEnd == null || writes.progress(atEnd);
                    if (!held) {
                        job.loseClaim();
                    } else if (diagnostics != null) {
                        storeDiagnostics.accept(diagnostics);
                    }
                    return held;
                },
                state == null ? null : () -> writes.checkpoint(at, state)));
        metrics.iterations(unreportedIterations);
        unreportedIterations = 0;
        count = 0;
    }

    /** The buffered points as one batch. */
    private HistoryChunk buffered() {
        HistoryChunk chunk = new HistoryChunk(
                job.id(),
                first,
                count,
                layers,
                Arrays.copyOf(train, count),
                validation == null ? null : Arrays.copyOf(validation, count),
                test == null ? null : Arrays.copyOf(test, count),
                Arrays.copyOf(norms, count * layers),
                weightNormsSeen ? Arrays.copyOf(weightNorms, count * layers) : null);
        weightNormsSeen = true;
        return chunk;
    }

    /**
     * A batch that could not be stored stops the run (at the next flush), and the writer stores none
     * after it, so the stored history stays a prefix of the run, never one with a gap. The runner
     * decides what the stop means: the database out of reach leaves the job to be recovered from its
     * checkpoint; anything else fails it.
     */
    private void failIfAnyBatchFailed() {
        while (!pending.isEmpty() && pending.peek().isDone()) {
            try {
                if (!pending.poll().get()) {
                    job.loseClaim();
                }
            } catch (ExecutionException e) {
                throw new HistoryNotStoredException(job.id(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HistoryNotStoredException(job.id(), e);
            }
        }
    }

    private LiveProgress progress(long now) {
        return new LiveProgress(
                latest.iteration(),
                latest.trainLoss(),
                latest.validationLoss(),
                latest.testLoss(),
                rate.at(now, latest.iteration()));
    }

    /** A history batch of this attempt could not be stored; the run stops rather than go on with a gap. */
    static final class HistoryNotStoredException extends RuntimeException {

        HistoryNotStoredException(String jobId, Throwable cause) {
            super("the history of job " + jobId + " could not be stored: " + cause, cause);
        }
    }
}
