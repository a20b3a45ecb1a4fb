package io.trainyard.history;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.job.TrainingJob;

/** A job's loss history as equal-length columns, one entry per history point. */
@Schema(name = "Losses")
record LossesResponse(
        String jobId,

        @Schema(description = "Iteration of each point (0 = before the first update)")
        int[] iteration,

        @Schema(description = "Training sum of squared errors")
        double[] train,

        @Schema(description = "Validation SSE, null without a validation set")
        double[] validation,

        @Schema(description = "Test SSE, null without test rows")
        double[] test,

        @Schema(description = "train / training rows") double[] trainMse,

        @Schema(description = "validation / validation rows")
        double[] validationMse,

        @Schema(description = "test / test rows") double[] testMse,

        @Schema(
                description = "Early stopping's best point once the job has finished (the stored model's weights "
                        + "with restoreBest); null otherwise",
                example = "412")
        Integer bestIteration,

        @Schema(
                description = "full: every point of the history is stored (these may still be downsampled as "
                        + "asked); coarse: only the coarse level is left (at most 32 points per stored batch of up to "
                        + "4,096), the full resolution having been dropped by trainyard.history.retention. Also sent "
                        + "as the Trainyard-History-Resolution header, for CSV and plots too",
                allowableValues = {"full", "coarse"})
        String resolution) {

    static LossesResponse from(String jobId, JobHistory history, TrainingJob job) {
        TrainingJob.Progress rows = job.progress();
        return new LossesResponse(
                jobId,
                history.iteration(),
                history.train(),
                history.validation(),
                history.test(),
                mse(history.train(), rows.trainRows()),
                mse(history.validation(), rows.validationRows()),
                mse(history.test(), rows.testRows()),
                job.findings().bestIteration(),
                history.resolution().id());
    }

    private static double[] mse(double[] sse, Integer rows) {
        if (sse == null || rows == null || rows == 0) {
            return null;
        }
        double[] out = new double[sse.length];
        for (int i = 0; i < sse.length; i++) {
            out[i] = sse[i] / rows;
        }
        return out;
    }
}
