package io.trainyard.sweep;

import java.util.List;

import io.trainyard.history.LossPoint;
import io.trainyard.job.JobSpec;
import io.trainyard.job.JobStatus;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.TrainingJob;

/**
 * What a sweep needs to know about one of its jobs: spec, status, the losses it is ranked by and
 * the row counts that turn those sums of squares into per-row means.
 *
 * @param iteration the latest recorded iteration
 * @param trainLoss SSE of the stored model once SUCCEEDED (see {@code bestIteration}), else at the latest
 *     recorded iteration
 * @param validationRows null until the job has started
 * @param bestIteration the point whose losses these are when early stopping restored its weights into
 *     the stored model; null when they are the final (or latest) point's
 * @param cancelRequested a cancel was asked for and not yet carried out (a running member stops at its
 *     next iteration)
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
        String errorDetail,
        Integer bestIteration,
        boolean cancelRequested) {

    /** The job with its latest losses (the last point's, once finished). */
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
                outcome.errorDetail(),
                null,
                job.claim().cancelRequested() && !job.status().isTerminal());
    }

    /** The same member with the losses of the point its stored model was restored to. */
    SweepMember restoredTo(LossPoint point) {
        return new SweepMember(
                jobId,
                status,
                spec,
                layerSizes,
                iteration,
                point.train(),
                point.validation(),
                point.test(),
                trainRows,
                validationRows,
                testRows,
                modelId,
                errorType,
                errorDetail,
                point.iteration(),
                cancelRequested);
    }
}
