package io.trainyard.training;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.trainyard.history.HistoryChunk;
import io.trainyard.history.HistoryWriter;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.nn.Diagnostics;
import io.trainyard.nn.IterationReport;
import io.trainyard.nn.TrainingListener;
import io.trainyard.nn.TrainingView;

/**
 * The training listener of one job: buffers history points in primitive arrays, hands a full
 * batch (or one that is {@code flushInterval} old) to the {@link HistoryWriter}, publishes
 * progress for readers and logs it every {@code logInterval}. Runs on the training thread, so the
 * per-iteration work is a few array stores and one clock read. Diagnostics (one scan of the hidden
 * activations) are computed only at a flush, and stored with that batch.
 */
final class HistoryRecorder implements TrainingListener {

    private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);
    private static final int BATCH = 4096;
    private static final long PUBLISH_EVERY_NANOS = 50_000_000L;

    private final RunningJob job;
    private final HistoryWriter writer;
    private final Consumer<LiveProgress> storeProgress;
    private final JobMetrics metrics;
    private final int layers;
    private final long flushNanos;
    private final long logNanos;
    private final long startNanos = System.nanoTime();

    private final double[] train = new double[BATCH];
    private final double[] validation;
    private final double[] test;
    private final double[] norms;
    private final double[] weightNorms;
    private Consumer<Diagnostics> storeDiagnostics = d -> {
    };
    /** The running view during a two-argument call, so a flush can ask it for diagnostics. */
    private TrainingView view;
    private boolean weightNormsSeen = true;
    private int first;
    private int count;
    private int unreportedIterations;
    private long lastFlush = startNanos;
    private long lastPublish;
    private long lastLog = startNanos;
    private IterationReport latest;
    private Future<?> pending;

    /**
     * @param storeProgress records the job's progress once a batch is stored (on the writer's thread)
     */
    HistoryRecorder(RunningJob job, int layers, boolean hasValidation, boolean hasTest, HistoryWriter writer,
            Consumer<LiveProgress> storeProgress, JobMetrics metrics, java.time.Duration flushInterval,
            java.time.Duration logInterval) {
        this.job = job;
        this.writer = writer;
        this.storeProgress = storeProgress;
        this.metrics = metrics;
        this.layers = layers;
        this.validation = hasValidation ? new double[BATCH] : null;
        this.test = hasTest ? new double[BATCH] : null;
        this.norms = new double[BATCH * layers];
        this.weightNorms = new double[BATCH * layers];
        this.flushNanos = flushInterval.toNanos();
        this.logNanos = logInterval.toNanos();
    }

    /** Where diagnostics computed at a flush go (on the writer's thread, after that batch is stored). */
    HistoryRecorder storingDiagnostics(Consumer<Diagnostics> store) {
        this.storeDiagnostics = store;
        return this;
    }

    @Override
    public void onIteration(IterationReport report, TrainingView run) {
        view = run;
        try {
            onIteration(report);
        } finally {
            view = null;
        }
    }

    @Override
    public void onIteration(IterationReport report) {
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
        if (report.iteration() > 0) {
            unreportedIterations++;
        }
        long now = System.nanoTime();
        if (now - lastPublish >= PUBLISH_EVERY_NANOS || report.iteration() == job.iterations()) {
            lastPublish = now;
            job.publish(progress(now));
        }
        if (count == BATCH || now - lastFlush >= flushNanos) {
            flush(now);
        }
        if (now - lastLog >= logNanos) {
            lastLog = now;
            LiveProgress p = job.progress();
            log.info("Job {}: iteration {}/{} ({}%), train loss {}, {} it/s", job.id(), report.iteration(),
                    job.iterations(), String.format("%.1f", 100.0 * report.iteration() / Math.max(1, job.iterations())),
                    String.format("%.6g", report.trainLoss()),
                    p == null || p.iterationsPerSecond() == null ? "?" : String.format("%.1f", p.iterationsPerSecond()));
        }
    }

    /** Writes what is buffered and waits until every batch of this job is stored. */
    void finish() throws ExecutionException, InterruptedException {
        long now = System.nanoTime();
        if (latest != null) {
            job.publish(progress(now));
        }
        flush(now);
        if (pending != null) {
            pending.get();
        }
    }

    private void flush(long now) {
        lastFlush = now;
        if (count == 0) {
            return;
        }
        HistoryChunk chunk = new HistoryChunk(job.id(), first, count, layers, Arrays.copyOf(train, count),
                validation == null ? null : Arrays.copyOf(validation, count),
                test == null ? null : Arrays.copyOf(test, count), Arrays.copyOf(norms, count * layers),
                weightNormsSeen ? Arrays.copyOf(weightNorms, count * layers) : null);
        LiveProgress atEnd = progress(now);
        Diagnostics diagnostics = view == null ? null : view.diagnostics();
        pending = writer.write(chunk, () -> {
            storeProgress.accept(atEnd);
            if (diagnostics != null) {
                storeDiagnostics.accept(diagnostics);
            }
        });
        weightNormsSeen = true;
        metrics.iterations(unreportedIterations);
        unreportedIterations = 0;
        count = 0;
    }

    private LiveProgress progress(long now) {
        double seconds = (now - startNanos) / 1e9;
        Double rate = latest.iteration() > 0 && seconds > 0 ? latest.iteration() / seconds : null;
        return new LiveProgress(latest.iteration(), latest.trainLoss(), latest.validationLoss(), latest.testLoss(),
                rate);
    }
}
