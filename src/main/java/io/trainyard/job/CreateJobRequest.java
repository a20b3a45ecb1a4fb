package io.trainyard.job;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import tools.jackson.databind.JsonNode;

/**
 * A job spec as a client sends it. Everything but {@code alpha} and the data has a default; see
 * {@link JobSpecResolver} for the rules and limits.
 */
@Schema(name = "CreateJobRequest", description = "What to train. Give either `dataset` or `data`.")
public record CreateJobRequest(
        @Schema(description = "A label for people, at most 200 characters", example = "two-layer sigmoid")
        String name,

        @Schema(description = "Id of a built-in or uploaded data set (see GET /datasets)", example = "hw5")
        String dataset,

        @Schema(description = "Inline data instead of a data set id")
        InlineData data,

        @Schema(
                description = "Hidden-layer widths only; [] is a linear model. Default []. At most "
                        + "trainyard.limits.max-hidden-layers layers of 1 to trainyard.limits.max-width units (the "
                        + "bounds here)",
                example = "[50]")
        List<Integer> layers,

        @Schema(
                description = "Hidden-layer activation: sigmoid, relu, tanh or none. Default sigmoid",
                example = "sigmoid")
        String activation,

        @Schema(description = "Add bias vectors b0..bL. Default false", example = "false")
        Boolean bias,

        @Schema(description = "Initial weights are N(0,1)·scale. Default 0.1", example = "0.1")
        Double scale,

        @Schema(
                description = "Learning rate, required, greater than 0",
                example = "0.001",
                requiredMode = Schema.RequiredMode.REQUIRED)
        Double alpha,

        @Schema(
                description = "How long to train: gradient-descent steps with full batch (the default), epochs (passes "
                        + "over the training rows, one update per mini-batch) with batchSize. From 0 to "
                        + "trainyard.limits.max-iterations (the maximum here). Default 1000",
                example = "1000")
        Integer iterations,

        @Schema(
                description = "Seed of the weight initialisation, the validation split and, with batchSize, the "
                        + "mini-batch order (a SplitMix64 generator that starts at the seed). Any 64-bit whole "
                        + "number. Default: drawn at random and reported in the job's spec",
                example = "7")
        Long seed,

        @Schema(
                description = "z-score normalise the inputs (fitted on the training rows). Default false",
                example = "false")
        Boolean normalize,

        @Schema(description = "Polynomial basis expansion degree, 1 to 10. Default 1 (none)", example = "1")
        Integer basisDegree,

        @Schema(
                description = "Share of the training rows moved to a validation set, in [0, 1). Default 0. Not "
                        + "with data.validationX or a data set that has its own validation part",
                example = "0.0")
        Double validationFraction,

        @Schema(
                description = "Start from this stored model's weights instead of random ones. layers, activation, "
                        + "bias, basisDegree and normalize must match the model's, else 409. The model's stored "
                        + "preprocessing (its basis degree and, with normalize, its mean and std) is applied "
                        + "unchanged to this job's data and kept in the new model: it is not refitted to this data, "
                        + "since the weights were learned on inputs scaled that way")
        String warmStartModel,

        @Schema(
                description = "The update rule: {\"type\": \"gd\"} (default), {\"type\": \"momentum\", \"beta\": 0.9} "
                        + "or {\"type\": \"adam\", \"beta1\": 0.9, \"beta2\": 0.999, \"epsilon\": 1e-8}")
        OptimizerOption optimizer,

        @Schema(
                description = "Rows per mini-batch, at least 1 (at least the training rows is full batch); "
                        + "iterations then count epochs. Default: full batch",
                example = "32")
        Integer batchSize,

        @Schema(description = "Stop once the monitored loss stops improving. Default: run every iteration")
        EarlyStoppingOption earlyStopping) {

    /**
     * Data sent with the job.
     *
     * @param y targets: an array of rows, or a flat array for one output
     */
    @Schema(name = "InlineData")
    public record InlineData(
            @Schema(description = "Training inputs, one row per sample", example = "[[0.1, 2.0], [0.4, 1.5]]")
            double[][] x,

            @Schema(description = "Training targets: rows, or a flat array for one output", example = "[1.0, 2.5]")
            JsonNode y,

            @Schema(description = "Optional test inputs") double[][] testX,
            @Schema(description = "Optional test targets") JsonNode testY,

            @Schema(description = "Optional validation inputs, instead of validationFraction")
            double[][] validationX,

            @Schema(description = "Optional validation targets, with validationX")
            JsonNode validationY) {}
}
