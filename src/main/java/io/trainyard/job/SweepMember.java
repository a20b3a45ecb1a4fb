package io.trainyard.job;

import java.util.List;

/**
 * What a sweep needs to know about one of its jobs: spec, status, latest losses and the row counts
 * that turn those sums of squares into per-row means.
 *
 * @param trainLoss SSE at the latest recorded iteration (the final one once SUCCEEDED)
 * @param validationRows null until the job has started
 */
public record SweepMember(String jobId, JobStatus status, JobSpec spec, List<Integer> layerSizes, int iteration,
        Double trainLoss, Double validationLoss, Double testLoss, Integer trainRows, Integer validationRows,
        Integer testRows, String modelId, String errorType, String errorDetail) {

    static SweepMember from(TrainingJob job, RunningJob live) {
        LiveProgress latest = LiveProgress.latest(job, live);
        return new SweepMember(job.id(), job.status(), job.spec(), job.layerSizes(), latest.iteration(),
                latest.trainLoss(), latest.validationLoss(), latest.testLoss(), job.trainRows(), job.validationRows(), job.testRows(), job.modelId(), job.errorType(),
                job.errorDetail());
    }
}
