package io.trainyard.sweep;

import java.util.List;

import io.trainyard.job.JobSpec;
import io.trainyard.job.JobStatus;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.TrainingJob;

/**
 * What a sweep needs to know about one of its jobs: spec, status, latest losses and the row counts
 * that turn those sums of squares into per-row means.
 *
 * @param trainLoss SSE at the latest recorded iteration (the final one once SUCCEEDED)
 * @param validationRows null until the job has started
 */
record SweepMember(
        String jobId,
        JobStatus status,
        JobSpec spec,
        List<Integer> layerSizes,
        int iteration,
        Double trainLoss,
        Double validationLoss,
        Double testLoss,
        Integer trainRows,
        Integer validationRows,
        Integer testRows,
        String modelId,
        String errorType,
        String errorDetail) {

    static SweepMember from(TrainingJob job, LiveProgress latest) {
        TrainingJob.Progress rows = job.progress();
        TrainingJob.Outcome outcome = job.outcome();
        return new SweepMember(
                job.id(),
                job.status(),
                job.spec(),
                job.layerSizes(),
                latest.iteration(),
                latest.trainLoss(),
                latest.validationLoss(),
                latest.testLoss(),
                rows.trainRows(),
                rows.validationRows(),
                rows.testRows(),
                outcome.modelId(),
                outcome.errorType(),
                outcome.errorDetail());
    }
}
