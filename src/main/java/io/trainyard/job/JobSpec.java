package io.trainyard.job;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.nn.Activation;

/**
 * A job's complete, resolved specification: the request with every default filled in and the seed
 * drawn, exactly what the job trains with. Stored with the job; retraining after a restart reads
 * only this.
 *
 * @param dataset the data set id; for data sent inline, the id of the stored copy
 */
@Schema(name = "JobSpec", description = "The request with every default filled in, seed included")
public record JobSpec(
        String name,
        String dataset,
        List<Integer> layers,

        @Schema(
                type = "string",
                allowableValues = {"sigmoid", "relu", "tanh", "none"},
                example = "sigmoid")
        Activation activation,

        boolean bias,
        double scale,
        double alpha,
        int iterations,
        long seed,
        boolean normalize,
        int basisDegree,
        double validationFraction,
        String warmStartModel,

        @Schema(description = "Resolved update rule; null only for jobs stored before optimizers existed (gd)")
        OptimizerOption optimizer,

        @Schema(description = "Rows per mini-batch; null for full batch")
        Integer batchSize,

        @Schema(description = "Resolved early stopping; null without")
        EarlyStoppingOption earlyStopping) {

    /** The same spec training on another data set (inline data once it is stored). */
    JobSpec withDataset(String id) {
        return new JobSpec(
                name,
                id,
                layers,
                activation,
                bias,
                scale,
                alpha,
                iterations,
                seed,
                normalize,
                basisDegree,
                validationFraction,
                warmStartModel,
                optimizer,
                batchSize,
                earlyStopping);
    }
}
