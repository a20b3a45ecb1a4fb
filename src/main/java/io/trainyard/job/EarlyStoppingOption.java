package io.trainyard.job;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.nn.EarlyStopping;

/**
 * The {@code earlyStopping} of a job spec: as sent (any part may be missing) and as resolved by
 * {@link JobSpecResolver} (every part filled in).
 */
@Schema(
        name = "EarlyStopping",
        description = "Stop when the monitored loss has not improved by more than minDelta "
                + "for patience history points (API.md \"Training options\")")
public record EarlyStoppingOption(
        @Schema(
                description = "History points without improvement that end the run, at least 1. Default 100",
                example = "50")
        Integer patience,

        @Schema(description = "How much lower a loss must be to count as better, >= 0. Default 0", example = "0")
        Double minDelta,

        @Schema(
                description = "validation (needs a validation set) or train. Default validation",
                allowableValues = {"validation", "train"},
                example = "validation")
        String monitor,

        @Schema(
                description = "Keep the weights of the best point (with its losses) instead of the last. Default true",
                example = "true")
        Boolean restoreBest) {

    static final int DEFAULT_PATIENCE = 100;

    /** The engine's rule; null when the spec has no early stopping. */
    public static EarlyStopping engine(EarlyStoppingOption option) {
        return option == null
                ? null
                : new EarlyStopping(
                        option.patience(),
                        option.minDelta(),
                        EarlyStopping.Monitor.fromId(option.monitor()),
                        option.restoreBest());
    }
}
