package io.trainyard.training;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.history.HistoryRepository;
import io.trainyard.history.HistoryWriter;
import io.trainyard.job.JobFinished;
import io.trainyard.job.JobSpec;
import io.trainyard.job.JobStarted;
import io.trainyard.job.JobStatus;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.job.TrainingJob;
import io.trainyard.model.ModelNotFoundException;
import io.trainyard.model.ModelService;
import io.trainyard.model.StoredModel;
import io.trainyard.nn.Diagnostics;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.TrainingResult;
import io.trainyard.nn.TrainingState;
import io.trainyard.system.DatabaseFailures;
import io.trainyard.system.TrainyardProperties;

/**
 * Trains one claimed job: {@link TrainingSetup} builds the engine objects, the run starts from the
 * job's latest checkpoint (or its seed), the engine trains while a {@link HistoryRecorder} records
 * and checkpoints, and the outcome becomes the job's final status and model in one transaction.
 *
 * <p>Never throws, whatever happens ({@link OutOfMemoryError} included): the job leaves RUNNING,
 * or is handed back to the queue when this instance stops, or, when the database could not be
 * reached, is left for the recovery to resume from its checkpoint (never failed for it). Every write is fenced by the claim's
 * token; once the claim is found stale the run stops and nothing more is written.
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobClaims claims;
    private final JobCheckpoints checkpoints;
    private final TrainingSetup setup;
    private final HistoryRepository history;
    private final HistoryWriter writer;
    private final ModelService models;
    private final RunningJobs running;
    private final JobMetrics metrics;
    private final TrainyardProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final JobFindings findings;

    JobRunner(
            JobClaims claims,
            JobCheckpoints checkpoints,
            TrainingSetup setup,
            HistoryRepository history,
            HistoryWriter writer,
            ModelService models,
            RunningJobs running,
            JobMetrics metrics,
            TrainyardProperties properties,
            ApplicationEventPublisher events,
            TransactionTemplate transactions,
            JobFindings findings) {
        this.findings = findings;
        this.claims = claims;
        this.checkpoints = checkpoints;
        this.setup = setup;
        this.history = history;
        this.writer = writer;
        this.models = models;
        this.running = running;
        this.metrics = metrics;
        this.properties = properties;
        this.events = events;
        this.transactions = transactions;
    }

    /** One attempt: the job, the claim it runs under, and its live state. */
    private record Attempt(
            TrainingJob job,
            String instance,
            int token,
            RunningJob live,
            HistoryWriter.Sequence batches,
            long startedNanos,
            JobPhases phases,
            AtomicBoolean checkpointed) {

        String id() {
            return job.id();
        }

        /**
         * Whether the job may have a stored checkpoint at its end: a first run's (no earlier attempt
         * left one) only once it has saved one itself. Lets the end of a short job skip a statement.
         */
        boolean mayHaveCheckpoint() {
            return token != JobClaims.FIRST_CLAIM || checkpointed.get();
        }

        Duration took() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
    }

    /**
     * Trains {@code job}, which {@code instance} has just claimed with fencing token {@code token}.
     *
     * @param stopping true once this instance is shutting down
     */
    void run(TrainingJob job, String instance, int token, BooleanSupplier stopping) {
        JobSpec spec = job.spec();
        Attempt attempt = new Attempt(
                job,
                instance,
                token,
                running.start(job.id(), job.owner(), spec.iterations(), token),
                writer.sequence(job.id()),
                System.nanoTime(),
                new JobPhases(),
                new AtomicBoolean());
        RunningJob live = attempt.live();
        try {
            events.publishEvent(new JobStarted(job));
            TrainingSetup.Training training = setup.prepare(job);
            Optional<TrainingState> resumeFrom = startAttempt(attempt, training);
            attempt.phases().end(JobPhases.Phase.SETUP);
            if (resumeFrom == null) {
                log.warn("Job {}: the claim was lost before training started; leaving it to its new owner", job.id());
                return;
            }
            if (resumeFrom.isEmpty() && training.start() == null) {
                // Its warm-start model is gone and the checkpoint that stood in for it could not be used.
                throw new ModelNotFoundException(spec.warmStartModel());
            }
            int from = resumeFrom.map(TrainingState::iteration).orElse(0);
            log.info(
                    "Job {} of {} started (attempt {}, {}): layers {}, {} activation, alpha {}, {} iterations, seed {}",
                    job.id(),
                    job.owner(),
                    job.claim().attempts(),
                    from == 0 ? "from its seed" : "resuming after iteration " + from,
                    job.layerSizes(),
                    spec.activation().id(),
                    spec.alpha(),
                    spec.iterations(),
                    spec.seed());
            BooleanSupplier stop = stopWhen(live, stopping, properties.heartbeatTimeout());
            HistoryRecorder recorder = recorder(attempt, training, from);
            var data = training.data();
            TrainingResult result = resumeFrom.isPresent()
                    ? training.trainer().resume(resumeFrom.get(), data, recorder, stop)
                    : training.trainer().train(training.start(), data, recorder, stop);
            attempt.phases().end(JobPhases.Phase.TRAINING);
            boolean handingBack = result.outcome() == TrainingResult.Outcome.CANCELLED && !live.cancelRequested();
            // Not a cancel and not this instance stopping (both stay raised once raised): the lease ran out,
            // the JVM was paused or cut off from the database for a whole heartbeat-timeout. Not a clean stop.
            boolean leaseRanOut = handingBack && !stopping.getAsBoolean();
            // A run that ends here keeps its last points for the outcome's transaction; one handed
            // back stores them with its checkpoint.
            HistoryRecorder.Tail tail = handingBack ? null : recorder.finishKeepingTail();
            boolean held = handingBack ? recorder.finish(result.state()) : tail != null;
            attempt.phases().end(JobPhases.Phase.HISTORY);
            if (!held || live.claimLost()) {
                log.warn(
                        "Job {}: its claim was taken over (this instance was paused or cut off); stopped without"
                                + " writing anything more",
                        job.id());
                return;
            }
            live.concluding();
            conclude(attempt, result, training, handingBack, leaseRanOut, new Last(tail, result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBack(attempt, false);
        } catch (DatasetNotFoundException | ModelNotFoundException e) {
            // Gone between submission and training. The service refuses to delete a data set or model a
            // queued or running job uses, and a submit that crosses such a deletion is refused under the
            // admission lock, so only a removal it did not make gets here: a job queued by an earlier
            // version, which let a warm-start model go, or rows deleted from the database by hand.
            end(
                    attempt,
                    JobStatus.FAILED,
                    null,
                    "missing-input",
                    "Training could not start: " + e.getMessage() + " It was deleted after this job was accepted.");
        } catch (Preprocessing.UnusableInputException e) {
            // Caught at submission for inline data; an uploaded data set is only read here.
            end(
                    attempt,
                    JobStatus.FAILED,
                    null,
                    "unusable-input",
                    "Training could not start: the inputs cannot be preprocessed: " + e.getMessage()
                            + ". Use a lower basisDegree, or rescale that column.");
        } catch (OutOfMemoryError e) {
            // The run's arrays are unreachable once the stack unwound to here, so there is room to record the failure.
            log.error("Job {} ran out of memory", job.id());
            end(
                    attempt,
                    JobStatus.FAILED,
                    null,
                    "out-of-memory",
                    "Training ran out of memory (maximum heap "
                            + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                            + " MiB on this instance). Try fewer rows, "
                            + "narrower layers or a smaller batch, or give the service more memory.");
        } catch (Throwable e) {
            if (DatabaseFailures.isTransient(e)) {
                leaveToRecovery(attempt, e);
                return;
            }
            // The exception text may hold SQL, paths or other internals: it goes to the log only, and the
            // job says where to find it.
            String incident = java.util.UUID.randomUUID().toString();
            log.error("Job {} failed unexpectedly, incident {}", job.id(), incident, e);
            end(
                    attempt,
                    JobStatus.FAILED,
                    null,
                    "internal",
                    "Training stopped on an internal error (logged as incident " + incident + ").");
        } finally {
            // This attempt's entry only: a newer attempt of the same job may have been claimed here meanwhile.
            running.end(job.id(), live);
        }
    }

    /**
     * The database could not be reached (stopped, restarted, its connections reset) for longer than
     * the history writer kept trying, or when the run started or ended. Nothing is wrong with the job,
     * so it must not fail: the run stops as if its lease were lost. Nothing more is written under its
     * claim (its queued batches are dropped, the heartbeat no longer renews it), so once the claim has
     * not been renewed for {@code heartbeat-timeout}, the recovery of whichever instance reaches the
     * database first re-queues it: the attempt is recorded {@code lost} and counted, and the job resumes
     * from its latest stored checkpoint, bit-identical to an uninterrupted run. Trying to hand it back
     * from here would need the database that just failed, and a lapsed claim is recovered anyway.
     */
    private void leaveToRecovery(Attempt attempt, Throwable e) {
        attempt.batches().stop(e);
        attempt.live().loseClaim();
        log.warn(
                "Job {}: the database could not be reached ({}); stopped without writing anything more, to be"
                        + " recovered from its latest checkpoint once its claim lapses (trainyard.heartbeat-timeout {})",
                attempt.id(),
                rootCause(e),
                properties.heartbeatTimeout());
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /**
     * When a run stops: cancelled, its claim lost, this instance {@code stopping}, or its lease
     * run out. A worker whose heartbeat could not be renewed for a whole timeout may already have
     * been replaced: it stops on its own, even before the database tells it so. The engine's
     * warm-up trains with this same condition (see {@link EngineWarmup}).
     */
    static BooleanSupplier stopWhen(RunningJob live, BooleanSupplier stopping, Duration lease) {
        long leaseNanos = lease.toNanos();
        return () -> live.cancelRequested()
                || live.claimLost()
                || stopping.getAsBoolean()
                || live.nanosSinceRenewal() > leaseNanos;
    }

    /**
     * In one fenced transaction: finds the job's checkpoint, keeps its history up to it (or drops
     * all of it for a start from the seed) and records where this attempt starts.
     *
     * @return the state to resume from (empty: from the seed), or null when the claim was lost
     */
    private Optional<TrainingState> startAttempt(Attempt attempt, TrainingSetup.Training training) {
        var data = training.data();
        return transactions.execute(tx -> {
            // Its first run: no attempt before it stored a checkpoint or a history point, so there is
            // nothing to read under the claim's lock, and the fenced start below is the check that the
            // claim stands (three statements fewer for most jobs, which matter on a small machine's young JVM).
            boolean firstRun = attempt.token() == JobClaims.FIRST_CLAIM;
            if (!firstRun && !claims.hold(attempt.id(), attempt.instance(), attempt.token())) {
                return null;
            }
            Optional<TrainingState> state;
            if (firstRun) {
                state = Optional.empty();
            } else {
                state = checkpoints.find(attempt.id()).flatMap(stored -> decode(attempt, stored, training));
                if (state.isPresent()) {
                    history.keepUpTo(attempt.id(), state.get().iteration());
                } else {
                    history.deleteAll(attempt.id());
                }
            }
            if (!claims.recordStart(
                    attempt.id(),
                    attempt.instance(),
                    attempt.token(),
                    state.map(TrainingState::iteration).orElse(0),
                    data.train().rows(),
                    data.validation() == null ? 0 : data.validation().rows(),
                    data.test() == null ? 0 : data.test().rows())) {
                tx.setRollbackOnly();
                return null;
            }
            return state;
        });
    }

    /** A checkpoint this plan cannot continue (corrupt, or from another version of the spec) is dropped, not fatal. */
    private Optional<TrainingState> decode(
            Attempt attempt, JobCheckpoints.Checkpoint stored, TrainingSetup.Training training) {
        try {
            TrainingState state = StoredCheckpoint.state(stored.state());
            if (state.iteration() != stored.iteration()) {
                throw new IllegalArgumentException(
                        "its state is at iteration " + state.iteration() + ", its row at " + stored.iteration());
            }
            var plan = training.trainer().plan();
            if (state.iteration() > plan.iterations() || !state.optimizer().equals(plan.optimizer())) {
                throw new IllegalArgumentException("it does not fit the job's training plan");
            }
            // Continuing another network would train it under this job's name and store it as its model.
            Network network = state.network();
            JobSpec spec = attempt.job().spec();
            int[] sizes = attempt.job().layerSizes().stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
            if (!Arrays.equals(network.layerSizes(), sizes)
                    || network.activation() != spec.activation()
                    || network.hasBias() != spec.bias()) {
                throw new IllegalArgumentException(
                        "it holds a network of layers " + Arrays.toString(network.layerSizes())
                                + ", " + network.activation().id() + (network.hasBias() ? " with" : " without")
                                + " biases, not this job's");
            }
            return Optional.of(state);
        } catch (IllegalArgumentException e) {
            log.warn(
                    "Job {}: checkpoint at iteration {} cannot be resumed ({}); training again from the seed",
                    attempt.id(),
                    stored.iteration(),
                    e.getMessage());
            checkpoints.delete(attempt.id());
            return Optional.empty();
        }
    }

    private HistoryRecorder recorder(Attempt attempt, TrainingSetup.Training training, int from) {
        var data = training.data();
        HistoryRecorder.AttemptWrites writes = new HistoryRecorder.AttemptWrites() {
            @Override
            public boolean progress(LiveProgress p) {
                return recordProgress(attempt, p);
            }

            @Override
            public void checkpoint(int iteration, byte[] state) {
                attempt.checkpointed().set(true); // before the write: a failed one may have left a row
                checkpoints.save(attempt.id(), iteration, state);
            }
        };
        return new HistoryRecorder(
                        attempt.live(),
                        // One weight matrix between each pair of layer sizes (start is null on some resumes).
                        attempt.job().layerSizes().size() - 1,
                        data.validation() != null,
                        data.test() != null,
                        from,
                        attempt.batches()::write,
                        writes,
                        metrics,
                        properties.historyFlushInterval(),
                        properties.checkpointInterval(),
                        properties.progressLogInterval())
                .storingDiagnostics(d -> findings.recordDiagnostics(attempt.id(), attempt.instance(), d))
                .encodingCheckpoints(state -> StoredCheckpoint.encode(
                        state,
                        // A warm start's preprocessing came from its model, which may be deleted before a resume.
                        attempt.job().spec().warmStartModel() == null ? null : training.preprocessing()));
    }

    /**
     * What a run that ends stores with its final status, in the same transaction: its last history
     * points (null when the run stops without an outcome of its own) and what training found.
     */
    private record Last(HistoryRecorder.Tail tail, TrainingResult result) {}

    private void conclude(
            Attempt attempt,
            TrainingResult result,
            TrainingSetup.Training training,
            boolean handingBack,
            boolean leaseRanOut,
            Last last) {
        switch (result.outcome()) {
            case COMPLETED -> succeed(attempt, result, training, last);
            case DIVERGED ->
                end(
                        attempt,
                        JobStatus.FAILED,
                        null,
                        "diverged",
                        "Training " + result.message() + ". "
                                + (result.updates() == 0
                                        ? Diagnostics.STARTING_LOSS_NOT_FINITE
                                        : attempt.job().spec().normalize()
                                                ? "Try a smaller alpha or a smaller scale."
                                                : "Try a smaller alpha, normalize: true, or a smaller scale."),
                        last);
            case CANCELLED -> {
                if (handingBack) {
                    handBack(attempt, leaseRanOut);
                } else {
                    end(attempt, JobStatus.CANCELLED, null, null, null, last);
                }
            }
        }
    }

    /** The attempt's fenced progress update: false when its claim no longer stands. */
    private boolean recordProgress(Attempt attempt, LiveProgress p) {
        return claims.recordProgress(
                attempt.id(),
                attempt.instance(),
                attempt.token(),
                p.iteration(),
                p.iterationsPerSecond(),
                p.trainLoss(),
                p.validationLoss(),
                p.testLoss());
    }

    /**
     * What the final status's statement writes into the job's row besides the status: the run's last
     * progress, its diagnostics and early stopping's verdict ({@link JobClaims.FinalRow#NONE} for a
     * job that ended outside its run).
     */
    private JobClaims.FinalRow finalRow(Last last) {
        if (last == null) {
            return JobClaims.FinalRow.NONE;
        }
        HistoryRecorder.Tail tail = last.tail();
        TrainingResult result = last.result();
        String diagnostics = result.diagnostics() != null && result.outcome() != TrainingResult.Outcome.CANCELLED
                ? findings.stored(result.diagnostics())
                : null;
        // Whatever the outcome: a diverged or cancelled run has a best point so far too (and did not stop
        // early). None before the first point (a loss not finite at point 0): then neither is said.
        boolean best = result.bestIteration() != null && result.bestIteration() >= 0;
        return new JobClaims.FinalRow(
                tail == null ? null : tail.progress(),
                diagnostics,
                best ? result.stoppedEarly() : null,
                best ? result.bestIteration() : null);
    }

    /**
     * Inside the outcome's transaction, after the fenced statement that moved the status (and locked
     * the job's row): the run's last history points.
     */
    private void storeTail(Last last) {
        HistoryRecorder.Tail tail = last == null ? null : last.tail();
        if (tail != null && tail.progress() != null && tail.chunk() != null) {
            history.insert(tail.chunk());
        }
    }

    /** The fenced final status with the run's {@link #finalRow}; false when the claim is gone (or a cancel won). */
    private boolean finish(
            Attempt attempt, JobStatus status, String modelId, String errorType, String errorDetail, Last last) {
        if (!claims.finish(
                attempt.id(),
                attempt.instance(),
                attempt.token(),
                status,
                modelId,
                errorType,
                errorDetail,
                finalRow(last))) {
            return false;
        }
        storeTail(last);
        return true;
    }

    /**
     * The last history points, the model, its losses and SUCCEEDED in one fenced transaction: no
     * model without a finished job, no finished job without its model or with a gap at the end of its
     * history. A cancel accepted before this point wins.
     */
    private void succeed(Attempt attempt, TrainingResult result, TrainingSetup.Training training, Last last) {
        // With restoreBest the weights are those of the best point, not the last: they are stored with
        // that point's losses.
        var point = result.networkPoint();
        StoredModel model = transactions.execute(tx -> {
            // The model first: the final status names it. Rolled back with the rest if the claim is gone.
            StoredModel saved = models.save(
                    attempt.id(),
                    new Model(result.network(), training.preprocessing()),
                    point.trainLoss(),
                    point.testLoss(),
                    training.lineage(attempt.job(), attempt.took()));
            if (!finish(attempt, JobStatus.SUCCEEDED, saved.id(), null, null, last)) {
                tx.setRollbackOnly();
                return null;
            }
            if (attempt.mayHaveCheckpoint()) {
                checkpoints.delete(attempt.id());
            }
            return saved;
        });
        if (model != null) {
            finished(attempt, JobStatus.SUCCEEDED, null);
        } else {
            // Either a cancel arrived before the outcome (the job ends CANCELLED) or the claim is gone (nothing to do).
            end(attempt, JobStatus.CANCELLED, null, null, null, last);
        }
    }

    private void end(Attempt attempt, JobStatus status, String modelId, String errorType, String errorDetail) {
        end(attempt, status, modelId, errorType, errorDetail, null);
    }

    /** The final status (with {@code last}, when the run has one, in the same fenced transaction). */
    private void end(
            Attempt attempt, JobStatus status, String modelId, String errorType, String errorDetail, Last last) {
        try {
            Boolean ended = transactions.execute(tx -> {
                if (!finish(attempt, status, modelId, errorType, errorDetail, last)) {
                    tx.setRollbackOnly();
                    return false;
                }
                if (!attempt.mayHaveCheckpoint()) {
                    return true;
                }
                if (last == null) {
                    // Ended outside the run (out of memory, missing input): the checkpoint knows the best point.
                    checkpoints.deleteOfEnded(attempt.id());
                } else {
                    checkpoints.delete(attempt.id());
                }
                return true;
            });
            if (Boolean.TRUE.equals(ended)) {
                finished(attempt, status, errorDetail);
            } else {
                log.warn(
                        "Job {} finished as {} but its claim had been taken over; the result is discarded",
                        attempt.id(),
                        status);
            }
        } catch (RuntimeException e) {
            // The job stays RUNNING without a heartbeat (this instance no longer renews it once the
            // worker lets go), so recovery picks it up after the heartbeat timeout.
            log.error(
                    "Job {} could not be recorded as {}; it will be recovered: {}", attempt.id(), status, e.toString());
        }
    }

    private void finished(Attempt attempt, JobStatus status, String errorDetail) {
        Duration took = attempt.took();
        JobPhases phases = attempt.phases();
        phases.end(JobPhases.Phase.OUTCOME);
        events.publishEvent(new JobFinished(attempt.id()));
        metrics.finished(status, took, phases);
        log.info(
                "Job {} of {} {} after {} s ({}){}",
                attempt.id(),
                attempt.job().owner(),
                status,
                String.format("%.3f", took.toNanos() / 1e9),
                phases,
                errorDetail == null ? "" : ": " + errorDetail);
    }

    /**
     * Puts the job back in the queue at the checkpoint just stored: a clean stop of this instance
     * ({@code handed-back}, not counted), or, {@code leaseRanOut}, a worker that could not renew its
     * claim for a whole {@code heartbeat-timeout} ({@code lost} and counted, as when another instance
     * recovers a frozen owner's job).
     */
    private void handBack(Attempt attempt, boolean leaseRanOut) {
        try {
            if (leaseRanOut) {
                if (claims.requeueLapsed(attempt.id(), attempt.instance(), attempt.token())) {
                    log.warn(
                            "Job {}: its claim was not renewed for {} (trainyard.heartbeat-timeout; this instance was"
                                    + " paused or could not reach the database): re-queued at its latest checkpoint,"
                                    + " attempt {} recorded as lost",
                            attempt.id(),
                            properties.heartbeatTimeout(),
                            attempt.job().claim().attempts());
                }
            } else if (claims.handBack(attempt.id(), attempt.instance(), attempt.token())) {
                log.info(
                        "Job {} handed back to the queue at its latest checkpoint: this instance is stopping",
                        attempt.id());
            }
        } catch (RuntimeException e) {
            log.error("Job {} could not be handed back; it will be recovered: {}", attempt.id(), e.toString());
        }
    }
}
