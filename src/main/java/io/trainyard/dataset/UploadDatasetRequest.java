package io.trainyard.dataset;

import io.swagger.v3.oas.annotations.media.Schema;

import tools.jackson.databind.JsonNode;

/** A data set sent as JSON: the same shape as a job's inline {@code data}, plus a name. */
@Schema(name = "UploadDatasetRequest")
record UploadDatasetRequest(
        @Schema(description = "A label for people, at most 200 characters", example = "quadratic")
        String name,

        @Schema(description = "Training inputs, one row per sample", example = "[[0.0], [1.0], [2.0], [3.0]]")
        double[][] x,

        @Schema(
                description = "Training targets: rows, or a flat array for one output",
                example = "[1.0, 2.0, 5.0, 10.0]")
        JsonNode y,

        @Schema(description = "Optional test inputs", example = "[[4.0]]")
        double[][] testX,

        @Schema(description = "Optional test targets", example = "[17.0]")
        JsonNode testY,

        @Schema(
                description = "Optional validation inputs: the data set's own validation part, which jobs on it "
                        + "use for validation (they may then not set validationFraction)",
                example = "[[1.5]]")
        double[][] validationX,

        @Schema(description = "Optional validation targets, with validationX", example = "[3.25]")
        JsonNode validationY) {}
