package io.trainyard.job;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.nn.Diagnostics;

/**
 * A job's gradient health as the API shows it (API.md "Diagnostics"): computed by the engine at
 * each history flush and at the end, stored with the job.
 */
@Schema(name = "JobDiagnostics", description = "Gradient health at the latest stored point")
public record JobDiagnostics(List<LayerHealth> layers, List<Flag> flags) {

    /**
     * One weight matrix; numbers that are not finite (an all-zero matrix's update ratio) are null.
     *
     * @param deadShare for a relu hidden layer fed by this matrix: share of its units that are zero on every
     *     training row
     * @param saturatedShare for a sigmoid or tanh hidden layer fed by this matrix: share of saturated activations
     */
    @Schema(name = "LayerHealth")
    public record LayerHealth(
            @Schema(example = "W0") String name,

            @Schema(description = "Frobenius norm of the SSE gradient of the matrix", example = "12.5")
            Double gradientNorm,

            @Schema(description = "Frobenius norm of the matrix", example = "3.1")
            Double weightNorm,

            @Schema(
                    description = "alpha·‖g‖/‖W‖, healthy around 1e-3 (for momentum and adam too, as defined)",
                    example = "0.004")
            Double updateRatio,

            @Schema(
                    description = "relu hidden layer fed by this matrix: share of dead units; null otherwise",
                    example = "0.0")
            Double deadShare,

            @Schema(
                    description = "sigmoid/tanh hidden layer fed by this matrix: share of saturated activations; "
                            + "null otherwise",
                    example = "0.02")
            Double saturatedShare) {}

    /**
     * @param type vanishing-gradients, exploding-gradients, dead-units or saturated-units
     * @param layer the weight matrix index, null for the whole network (a diverged run)
     * @param detail what was seen and what to try
     */
    @Schema(name = "DiagnosticFlag")
    public record Flag(
            @Schema(example = "vanishing-gradients") String type,
            @Schema(example = "0") Integer layer,
            String detail) {}

    public static JobDiagnostics from(Diagnostics diagnostics) {
        return new JobDiagnostics(
                diagnostics.layers().stream()
                        .map(l -> new LayerHealth(
                                l.name(),
                                finite(l.gradientNorm()),
                                finite(l.weightNorm()),
                                finite(l.updateRatio()),
                                l.deadShare(),
                                l.saturatedShare()))
                        .toList(),
                diagnostics.flags().stream()
                        .map(f -> new Flag(f.type(), f.layer(), f.detail()))
                        .toList());
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
