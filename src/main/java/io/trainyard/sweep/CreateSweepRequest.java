package io.trainyard.sweep;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.job.CreateJobRequest;

import tools.jackson.databind.JsonNode;

/**
 * A sweep as a client sends it: a base job spec and, per hyperparameter, the values to try.
 *
 * @param grid hyperparameter name → values; a key given here overrides the same field of {@code base}. Its
 *     OpenAPI description lists every key of {@link Grid#KEYS} (CreateSweepRequestTests holds them together)
 * @param selectBy validation (default), train or test
 */
@Schema(
        name = "CreateSweepRequest",
        description = "A base job spec and the grid of values to try; one job per " + "combination")
record CreateSweepRequest(
        @Schema(description = "A label for people, at most 200 characters", example = "hw5 tuning")
        String name,

        @Schema(
                description = "The job spec every member starts from (same fields as POST /jobs)",
                requiredMode = Schema.RequiredMode.REQUIRED)
        CreateJobRequest base,

        @Schema(
                description = "Values to try per field: scale, alpha, layers, activation, bias, normalize, "
                        + "basisDegree, iterations, seed, validationFraction, optimizer, batchSize, "
                        + "earlyStopping (null in the last two: full batch, no early stopping). A key given here "
                        + "overrides the same field of base. Every combination becomes one job.",
                example = "{\"alpha\": [0.0005, 0.001], \"layers\": [[5], [50, 50]]}",
                requiredMode = Schema.RequiredMode.REQUIRED)
        Map<String, List<JsonNode>> grid,

        @Schema(
                description = "The final loss that ranks the jobs: validation (default), train or test "
                        + "(train and test are answered with a warning)",
                example = "validation")
        String selectBy) {}
