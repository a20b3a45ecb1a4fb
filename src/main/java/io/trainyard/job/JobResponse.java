package io.trainyard.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** A job as clients see it: spec, status, live progress, latest losses and outcome. */
@Schema(name = "Job")
record JobResponse(
        String id,
        String name,

        @Schema(
                description = "The name of the key that submitted it (a sweep's members: the sweep's)",
                example = "alice")
        String owner,

        @Schema(example = "RUNNING") JobStatus status,
        JobSpec spec,

        @Schema(description = "[inputs after preprocessing, hidden widths…, outputs]", example = "[5, 50, 1]")
        List<Integer> layerSizes,

        @Schema(
                description = "How far training got: fraction = iteration / iterations. A SUCCEEDED job that ran "
                        + "every iteration shows 1; one that early stopping ended (stoppedEarly: true) keeps the "
                        + "iteration it stopped at, so its fraction stays below 1 although it is finished: the "
                        + "status, not the fraction, says a job is done. A FAILED or CANCELLED job shows where it "
                        + "stopped. A job back in the queue (handed back, or recovered after "
                        + "its instance crashed or froze) shows the checkpoint it will resume from, and keeps "
                        + "showing it until its next attempt starts training: the points after the checkpoint are "
                        + "trained again; 0 without a checkpoint (it starts again from its seed)")
        Progress progress,

        @Schema(
                description = "Training SSE at the latest iteration (the last point of the history; for a job "
                        + "back in the queue, the point of its checkpoint, as progress). When "
                        + "restoredBest is true the stored model's losses are instead those at bestIteration")
        Double trainLoss,

        @Schema(
                description = "Validation SSE at the latest iteration, null without a validation set (see "
                        + "trainLoss and restoredBest)")
        Double validationLoss,

        @Schema(
                description =
                        "Test SSE at the latest iteration, null without test rows (see trainLoss and restoredBest)")
        Double testLoss,

        Instant createdAt,

        @Schema(
                description = "When the current (or last) attempt was claimed, as instance and resumedFrom are "
                        + "that attempt's; null while the job is queued, also between attempts. The job's first "
                        + "start is attemptHistory[0].startedAt")
        Instant startedAt,

        Instant finishedAt,

        @Schema(description = "Why the job failed; null otherwise")
        JobError error,

        @Schema(description = "The trained model, once SUCCEEDED; null again once that model is deleted")
        String modelId,

        String sweepId,

        @Schema(
                description =
                        "How many times training has started (more than 1 after a crash; a clean stop is not counted)")
        int attempts,

        @Schema(
                description =
                        "The iteration the current (or last) attempt resumed after: 0 when it started from "
                                + "the seed, more when it continued from a checkpoint after a stop or a crash; null before training starts",
                example = "0")
        Integer resumedFrom,

        @ArraySchema(
                arraySchema =
                        @Schema(
                                description = "Every attempt so far, oldest first: when and where it ran, the "
                                        + "iteration it resumed after and how it ended (a clean stop's hand-back is an "
                                        + "entry but not counted in attempts). Empty before the first claim, and for "
                                        + "jobs trained before this field existed"))
        List<JobAttempt> attemptHistory,

        @Schema(description = "A cancel was asked for and not yet carried out (the job stops at its next iteration)")
        boolean cancelRequested,

        @Schema(description = "The instance that trains (or trained) the job")
        String instance,

        @Schema(
                description = "Working memory estimated at submission (nn.MemoryEstimate), in bytes",
                example = "412160")
        Long estimatedMemoryBytes,

        @Schema(
                description = "With early stopping, once finished: true when early stopping ended the run before "
                        + "its last iteration; false when it did not, which includes every FAILED (diverged) or "
                        + "CANCELLED job. Null without early stopping, while queued or running, and for a job that "
                        + "ended before its first history point",
                example = "true")
        Boolean stoppedEarly,

        @Schema(
                description = "With early stopping, once finished: the best point by early stopping's rule (a "
                        + "point is better when its monitored loss is below the best so far by more than minDelta). "
                        + "A SUCCEEDED job's model holds its weights with "
                        + "restoreBest; a FAILED or CANCELLED job (no model) reports the best point up to where it "
                        + "stopped (one that ended while back in the queue, or through recovery after a crash: up to "
                        + "its last checkpoint, which a resumed run also starts from). Null without early stopping, while "
                        + "queued or running, and for a job that ended before its first history point",
                example = "412")
        Integer bestIteration,

        @Schema(
                description = "With early stopping, once SUCCEEDED: true when the stored model holds the weights "
                        + "of bestIteration, with that point's losses (restoreBest), so trainLoss, validationLoss "
                        + "and testLoss, the last point's, are not the model's; false when it holds the last "
                        + "point; null otherwise",
                example = "true")
        Boolean restoredBest,

        @Schema(
                description = "Gradient health at the latest stored point, and flags that say what to try; null "
                        + "before the first history flush")
        JobDiagnostics diagnostics) {

    @Schema(name = "JobProgress")
    record Progress(
            @Schema(description = "The latest history point (after this many iterations)", example = "250")
            int iteration,

            @Schema(description = "The spec's iterations", example = "1000")
            int iterations,

            @Schema(
                    description = "iteration / iterations (1 for a SUCCEEDED job with 0 iterations). Below 1 for a "
                            + "job that early stopping ended: it stopped at that iteration, finished",
                    example = "0.25")
            double fraction,

            @Schema(
                    description = "Iterations per second over the last 10 seconds or so of the current "
                            + "(or last) attempt, so a pause or a slowdown is forgotten once it is over; "
                            + "null until that attempt has trained an iteration, and while the job is "
                            + "back in the queue",
                    example = "1840.2")
            Double iterationsPerSecond,

            @Schema(
                    description = "Seconds left at iterationsPerSecond while RUNNING (null until it is "
                            + "measured); 0 once SUCCEEDED; null while QUEUED and for a job that ended "
                            + "without succeeding (FAILED, CANCELLED): it will not finish",
                    example = "0.41")
            Double etaSeconds) {}

    @Schema(name = "JobError")
    record JobError(
            @Schema(
                    description =
                            "diverged, interrupted (the process stopped too often), missing-input (its data set or warm-start model was gone when it started, which the service itself no longer lets happen: an earlier version's deletion, or rows removed by hand), unusable-input (a power of an uploaded data set's input, or a column's spread, or a validation or test input once preprocessed, is beyond the range of a double), out-of-memory (training needed more heap than the instance has) or internal",
                    example = "diverged")
            String type,

            String detail) {}

    /**
     * The job as clients see it.
     *
     * @param attempts the job's attempts, oldest first ({@link JobService#attempts})
     */
    static JobResponse from(TrainingJob job, LiveProgress latest, List<JobAttempt> attempts) {
        Progress progress = progress(job, job.status(), latest);
        TrainingJob.Outcome outcome = job.outcome();
        JobError error = outcome.errorType() == null ? null : new JobError(outcome.errorType(), outcome.errorDetail());
        return new JobResponse(
                job.id(),
                job.name(),
                job.owner(),
                job.status(),
                job.spec(),
                job.layerSizes(),
                progress,
                latest.trainLoss(),
                latest.validationLoss(),
                latest.testLoss(),
                job.createdAt(),
                job.claim().startedAt(),
                outcome.finishedAt(),
                error,
                outcome.modelId(),
                job.sweepId(),
                job.claim().attempts(),
                job.claim().resumedFrom(),
                List.copyOf(attempts),
                job.claim().cancelRequested() && !job.status().isTerminal(),
                job.claim().instance(),
                job.findings().estimatedMemoryBytes(),
                job.findings().stoppedEarly(),
                job.findings().bestIteration(),
                restoredBest(job),
                job.findings().diagnostics());
    }

    /**
     * The job as it was at an earlier status change, for an event stream that did not see the change
     * happen ({@link JobEventStreams} rebuilds it from the attempt records): RUNNING during the attempt at
     * {@code index} (0 for the first), or QUEUED right after it was handed back or lost. Status, attempt count, attempt
     * list, claim and start time are those of that moment; progress and losses are the latest known.
     *
     * @param attempts all the job's attempts so far, oldest first
     */
    static JobResponse asOf(
            TrainingJob job, LiveProgress latest, List<JobAttempt> attempts, JobStatus status, int index) {
        if (status != JobStatus.RUNNING && status != JobStatus.QUEUED) {
            throw new IllegalArgumentException("only RUNNING and QUEUED are rebuilt, not " + status);
        }
        JobAttempt attempt = attempts.get(index);
        List<JobAttempt> then = new ArrayList<>(attempts.subList(0, index + 1));
        // The count of today, less the attempts that came later; a hand-back is not counted once it
        // ended, but its attempt was while it ran.
        int attemptsThen = job.claim().attempts();
        for (JobAttempt later : attempts.subList(index + 1, attempts.size())) {
            attemptsThen -= later.outcome() == JobAttempt.Outcome.HANDED_BACK ? 0 : 1;
        }
        boolean running = status == JobStatus.RUNNING;
        if (running) {
            attemptsThen += attempt.outcome() == JobAttempt.Outcome.HANDED_BACK ? 1 : 0;
            then.set(
                    index,
                    new JobAttempt(
                            attempt.number(),
                            attempt.startedAt(),
                            null,
                            attempt.instance(),
                            attempt.resumedFrom(),
                            null));
        }
        return new JobResponse(
                job.id(),
                job.name(),
                job.owner(),
                status,
                job.spec(),
                job.layerSizes(),
                progress(job, status, latest),
                latest.trainLoss(),
                latest.validationLoss(),
                latest.testLoss(),
                job.createdAt(),
                running ? attempt.startedAt() : null,
                null,
                null,
                null,
                job.sweepId(),
                attemptsThen,
                attempt.resumedFrom(),
                List.copyOf(then),
                job.claim().cancelRequested(),
                running ? attempt.instance() : null,
                job.findings().estimatedMemoryBytes(),
                null,
                null,
                null,
                job.findings().diagnostics());
    }

    private static Progress progress(TrainingJob job, JobStatus status, LiveProgress latest) {
        int total = job.spec().iterations();
        Double rate = latest.iterationsPerSecond();
        int done = latest.iteration();
        if (status == JobStatus.SUCCEEDED && !Boolean.TRUE.equals(job.findings().stoppedEarly())) {
            done = total;
        }
        Double eta = null;
        if (status == JobStatus.RUNNING && rate != null && rate > 0) {
            eta = (total - done) / rate;
        } else if (status == JobStatus.SUCCEEDED) {
            eta = 0.0;
        }
        return new Progress(
                done,
                total,
                total == 0 ? (status == JobStatus.SUCCEEDED ? 1.0 : 0.0) : (double) done / total,
                rate,
                eta);
    }

    private static Boolean restoredBest(TrainingJob job) {
        if (job.status() != JobStatus.SUCCEEDED || job.findings().bestIteration() == null) {
            return null;
        }
        return job.restoredIteration() != null;
    }
}
