package io.trainyard.job;

/**
 * The latest point of a running job, published by the training thread for readers on other
 * threads (status requests, event streams).
 *
 * @param trainLoss null before the first point
 * @param iterationsPerSecond null until training has run long enough to measure
 */
public record LiveProgress(
        int iteration, Double trainLoss, Double validationLoss, Double testLoss, Double iterationsPerSecond) {

    /**
     * What is known of a job's progress right now: this instance's live view while it trains the
     * job, else the last values written to the database (which another instance may be updating).
     */
    static LiveProgress latest(TrainingJob job, RunningJob live) {
        LiveProgress published = live == null || job.status() != JobStatus.RUNNING ? null : live.progress();
        if (published != null) {
            return published;
        }
        TrainingJob.Progress stored = job.progress();
        return new LiveProgress(
                stored.iteration() == null ? 0 : stored.iteration(),
                stored.trainLoss(),
                stored.validationLoss(),
                stored.testLoss(),
                stored.iterationsPerSecond());
    }
}
