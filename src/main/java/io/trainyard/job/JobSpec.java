package io.trainyard.job;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

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
        String activation,
        boolean bias,
        double scale,
        double alpha,
        int iterations,
        long seed,
        boolean normalize,
        int basisDegree,
        double validationFraction,
        String warmStartModel) {
}
