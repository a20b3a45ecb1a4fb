package io.trainyard.dataset;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** A data set as the API shows it: its shape and column names, not its numbers. */
@Schema(name = "Dataset")
record DatasetResponse(
        @Schema(example = "hw5") String id,
        String name,

        @Schema(description = "Number of input columns", example = "5")
        int features,

        @Schema(description = "Number of target columns", example = "1")
        int targets,

        @Schema(example = "400") int trainRows,
        @Schema(example = "200") int testRows,

        @Schema(
                description = "Rows of the data set's own validation part (0 without one); jobs on it use these "
                        + "for validation and may not set validationFraction",
                example = "0")
        int validationRows,

        @Schema(description = "Input column names, then target column names")
        List<String> columns,

        boolean builtIn,
        Instant createdAt,

        @Schema(
                description = "The name of the key that uploaded it; null for a built-in data set (visible to all)",
                example = "alice")
        String owner) {

    static DatasetResponse from(DatasetInfo info) {
        return new DatasetResponse(
                info.id(),
                info.name(),
                info.features(),
                info.targets(),
                info.trainRows(),
                info.testRows(),
                info.validationRows(),
                info.columns(),
                info.builtIn(),
                info.builtIn() ? null : info.createdAt(),
                info.builtIn() ? null : info.owner());
    }
}
