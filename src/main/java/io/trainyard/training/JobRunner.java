package io.trainyard.training;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.history.HistoryRepository;
import io.trainyard.history.HistoryWriter;
import io.trainyard.job.JobSpec;
import io.trainyard.job.JobStarted;
import io.trainyard.job.JobStatus;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.job.TrainingJob;
import io.trainyard.model.ModelNotFoundException;
import io.trainyard.model.ModelService;
import io.trainyard.model.StoredModel;
import io.trainyard.nn.Model;
import io.trainyard.nn.TrainingResult;
import io.trainyard.system.TrainyardProperties;

/**
 * Trains one claimed job: {@link TrainingSetup} builds the engine objects, the engine trains while a
 * {@link HistoryRecorder} records, and the outcome becomes the job's final status and model. Never
 * throws: whatever happens, the job leaves RUNNING (or is handed back to the queue when this
 * instance stops).
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobClaims claims;
    private final TrainingSetup setup;
    private final HistoryRepository history;
    private final HistoryWriter writer;
    private final ModelService models;
    private final RunningJobs running;
    private final JobMetrics metrics;
    private final TrainyardProperties properties;
    private final ApplicationEventPublisher events;
    private final JobFindings findings;

    JobRunner(JobClaims claims, TrainingSetup setup, HistoryRepository history, HistoryWriter writer,
            ModelService models, RunningJobs running, JobMetrics metrics, TrainyardProperties properties,
            ApplicationEventPublisher events, JobFindings findings) {
        this.findings = findings;
        this.claims = claims;
        this.setup = setup;
        this.history = history;
        this.writer = writer;
        this.models = models;
        this.running = running;
        this.metrics = metrics;
        this.properties = properties;
        this.events = events;
    }

    /**
     * Trains {@code job}, which {@code instance} has just claimed.
     *
     * @param stopping true once this instance is shutting down
     */
    void run(TrainingJob job, String instance, BooleanSupplier stopping) {
        JobSpec spec = job.spec();
        RunningJob live = running.start(job.id(), spec.iterations());
        long started = System.nanoTime();
        events.publishEvent(new JobStarted(job));
        log.info("Job {} started (attempt {}): layers {}, {} activation, alpha {}, {} iterations, seed {}", job.id(),
                job.claim().attempts(), job.layerSizes(), spec.activation().id(), spec.alpha(), spec.iterations(),
                spec.seed());
        try {
            // A retrained job starts from its seed again; history from an interrupted attempt goes.
            history.deleteAll(job.id());
            TrainingSetup.Training training = setup.prepare(job);
            var data = training.data();
            claims.recordRows(job.id(), data.train().rows(), data.validation() == null ? 0 : data.validation().rows(),
                    data.test() == null ? 0 : data.test().rows());
            HistoryRecorder recorder = new HistoryRecorder(live, training.start().depth(), data.validation() != null,
                    data.test() != null, writer, progress -> claims.recordProgress(job.id(), progress.iteration(),
                            progress.iterationsPerSecond(), progress.trainLoss(), progress.validationLoss(),
                            progress.testLoss()), metrics, properties.historyFlushInterval(),
                    properties.progressLogInterval())
                    .storingDiagnostics(d -> findings.recordDiagnostics(job.id(), instance, d));
            TrainingResult result = training.trainer().train(training.start(), data, recorder,
                    () -> live.cancelRequested() || stopping.getAsBoolean());
            recorder.finish();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            conclude(job, instance, result, training, live.cancelRequested(), stopping.getAsBoolean(), took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBack(job, instance);
        } catch (DatasetNotFoundException | ModelNotFoundException e) {
            // Deleted between submission and training (the in-use check and a submission can cross).
            end(job, instance, JobStatus.FAILED, null, "missing-input", "Training could not start: " + e.getMessage()
                    + " It was deleted after this job was accepted.", Duration.ofNanos(System.nanoTime() - started));
        } catch (Exception e) {
            // The exception text may hold SQL, paths or other internals: it goes to the log only, and the
            // job says where to find it.
            String incident = java.util.UUID.randomUUID().toString();
            log.error("Job {} failed unexpectedly, incident {}", job.id(), incident, e);
            end(job, instance, JobStatus.FAILED, null, "internal",
                    "Training stopped on an internal error (logged as incident " + incident + ").",
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            running.end(job.id());
        }
    }

    private void conclude(TrainingJob job, String instance, TrainingResult result, TrainingSetup.Training training,
            boolean cancelled, boolean stopping, Duration took) {
        if (result.diagnostics() != null && result.outcome() != TrainingResult.Outcome.CANCELLED) {
            findings.recordDiagnostics(job.id(), instance, result.diagnostics());
        }
        switch (result.outcome()) {
            case COMPLETED -> {
                if (result.bestIteration() != null) {
                    findings.recordStopping(job.id(), instance, result.stoppedEarly(), result.bestIteration());
                }
                // With restoreBest the weights are those of the best point, not the last: store them with
                // that point's losses.
                var point = result.networkPoint();
                StoredModel model = models.save(job.id(), new Model(result.network(), training.preprocessing()),
                        point.trainLoss(), point.testLoss(), training.lineage(job, took));
                end(job, instance, JobStatus.SUCCEEDED, model.id(), null, null, took);
            }
            case DIVERGED -> end(job, instance, JobStatus.FAILED, null, "diverged", "Training " + result.message()
                    + ". Try a smaller alpha, normalize: true, or a smaller scale.", took);
            case CANCELLED -> {
                if (stopping && !cancelled) {
                    handBack(job, instance);
                } else {
                    end(job, instance, JobStatus.CANCELLED, null, null, null, took);
                }
            }
        }
    }

    private void end(TrainingJob job, String instance, JobStatus status, String modelId, String errorType,
            String errorDetail, Duration took) {
        if (claims.finish(job.id(), instance, status, Instant.now(), modelId, errorType, errorDetail)) {
            metrics.finished(status, took);
            log.info("Job {} {} after {} s{}", job.id(), status, String.format("%.1f", took.toMillis() / 1000.0),
                    errorDetail == null ? "" : ": " + errorDetail);
        } else {
            log.warn("Job {} finished as {} but its claim had been taken over; the result is discarded", job.id(), status);
        }
    }

    private void handBack(TrainingJob job, String instance) {
        if (claims.requeueAfterShutdown(job.id(), instance)) {
            log.info("Job {} handed back to the queue: this instance is stopping", job.id());
        }
    }
}
