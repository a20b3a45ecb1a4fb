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
                description = "Early stopping's best point once the job has finished, as the job's bestIteration: "
                        + "the stored model's weights with restoreBest; for a FAILED or CANCELLED job the best point "
                        + "up to where it stopped. Null without early stopping, while the job runs, and for a job "
                        + "that ended before its first point",
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
        double[] validation = column(history.validation(), history, rows.validationRows());
        double[] test = column(history.test(), history, rows.testRows());
        return new LossesResponse(
                jobId,
                history.iteration(),
                history.train(),
                validation,
                test,
                mse(history.train(), rows.trainRows()),
                mse(validation, rows.validationRows()),
                mse(test, rows.testRows()),
                job.findings().bestIteration(),
                history.resolution().id());
    }

    /**
     * A validation or test column: null means the job has no such set, so a read without points (e.g.
     * {@code since} at the last point) still answers {@code []} for a set the job has (known once it
     * has started, from its row counts).
     */
    private static double[] column(double[] values, JobHistory history, Integer rows) {
        if (values == null && history.size() == 0 && rows != null && rows > 0) {
            return new double[0];
        }
        return values;
    }

    private static double[] mse(double[] sse, Integer rows) {
        if (sse != null && sse.length == 0) {
            return sse;
        }
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
