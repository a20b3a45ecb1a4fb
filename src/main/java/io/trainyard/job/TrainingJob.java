package io.trainyard.job;

import java.time.Instant;
import java.util.List;

/**
 * A job as stored, in five parts: what to train ({@link #spec} and its sizes), who is training it
 * ({@link Claim}), how far it got ({@link Progress}), how it ended ({@link Outcome}) and what training
 * found out ({@link Findings}).
 */
public record TrainingJob(
        String id,
        JobSpec spec,
        String sweepId,
        List<Integer> layerSizes,
        JobStatus status,
        Instant createdAt,
        Claim claim,
        Progress progress,
        Outcome outcome,
        Findings findings,
        String owner) {

    /** A job without an owner: built outside a request and the store (unit tests). */
    public TrainingJob(
            String id,
            JobSpec spec,
            String sweepId,
            List<Integer> layerSizes,
            JobStatus status,
            Instant createdAt,
            Claim claim,
            Progress progress,
            Outcome outcome,
            Findings findings) {
        this(id, spec, sweepId, layerSizes, status, createdAt, claim, progress, outcome, findings, null);
    }

    /** A job as it enters the queue: not claimed, no progress, no outcome. */
    public static TrainingJob queued(
            String id, JobSpec spec, String sweepId, List<Integer> layerSizes, Instant createdAt) {
        return queued(id, spec, sweepId, layerSizes, createdAt, null, Progress.NONE, null);
    }

    /**
     * The same, with the working memory estimated at submission and the row counts its data gives
     * ({@link Progress#rows}), owned by the name of the submitting key.
     */
    public static TrainingJob queued(
            String id,
            JobSpec spec,
            String sweepId,
            List<Integer> layerSizes,
            Instant createdAt,
            Long estimatedMemoryBytes,
            Progress rows,
            String owner) {
        return new TrainingJob(
                id,
                spec,
                sweepId,
                List.copyOf(layerSizes),
                JobStatus.QUEUED,
                createdAt,
                Claim.NONE,
                rows,
                Outcome.NONE,
                new Findings(estimatedMemoryBytes, null, null, null),
                owner);
    }

    public String name() {
        return spec.name();
    }

    /**
     * The history point whose weights, and so whose losses, the stored model holds when that is not
     * simply the last point: early stopping's best point, once a job with {@code restoreBest}
     * SUCCEEDED. Null otherwise (the model holds the last point's; none while the job runs).
     */
    public Integer restoredIteration() {
        boolean restores = spec.earlyStopping() != null
                && Boolean.TRUE.equals(spec.earlyStopping().restoreBest());
        return status == JobStatus.SUCCEEDED && restores ? findings.bestIteration() : null;
    }

    /**
     * The claim of the instance that trains (or trained) the job.
     *
     * @param instance the instance holding the claim while RUNNING (kept afterwards for the record)
     * @param attempts how many times training has started
     * @param version bumped by every status change (and only by one); a running job's version is
     *     the fencing token of its claim, so a stale worker's update matches no row
     * @param resumedFrom the iteration the current (or last) attempt resumed after: 0 from the
     *     seed, null before the first attempt started
     */
    public record Claim(
            String instance,
            int attempts,
            Instant startedAt,
            Instant heartbeatAt,
            boolean cancelRequested,
            int version,
            Integer resumedFrom,
            int stalledAttempts) {

        static final Claim NONE = new Claim(null, 0, null, null, false, 0, null, 0);
    }

    /**
     * The latest progress written to the database (with each history batch), and the row counts that
     * turn sums of squares into means.
     *
     * @param iteration null before the first batch of the current attempt
     */
    public record Progress(
            Integer iteration,
            Double iterationsPerSecond,
            Double trainLoss,
            Double validationLoss,
            Double testLoss,
            Integer trainRows,
            Integer validationRows,
            Integer testRows) {

        static final Progress NONE = new Progress(null, null, null, null, null, null, null, null);

        /**
         * No progress yet, and the rows the job will train, validate and test on, as its submission
         * resolved them: known from the start, so a queued job's losses already say which curves it
         * will have (an empty column, not null, for a set it has). Training records them again.
         */
        public static Progress rows(int train, int validation, int test) {
            return new Progress(null, null, null, null, null, train, validation, test);
        }
    }

    /** How the job ended; every part is null until then. */
    public record Outcome(Instant finishedAt, String errorType, String errorDetail, String modelId) {

        static final Outcome NONE = new Outcome(null, null, null, null);
    }

    /**
     * What is known about the run beyond its losses.
     *
     * @param estimatedMemoryBytes working memory estimated at submission (null for jobs stored before)
     * @param stoppedEarly set when the job ends, for jobs with early stopping
     * @param bestIteration early stopping's best point, set when the job ends
     * @param diagnostics gradient health at the latest stored point, null before the first
     */
    public record Findings(
            Long estimatedMemoryBytes, Boolean stoppedEarly, Integer bestIteration, JobDiagnostics diagnostics) {

        static final Findings NONE = new Findings(null, null, null, null);
    }
}
