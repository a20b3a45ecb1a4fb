package io.trainyard.history;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** Per-layer Frobenius norms of ∂loss/∂Wl over the iterations: the picture of vanishing and exploding gradients. */
@Schema(name = "Gradients")
record GradientsResponse(
        String jobId,
        int[] iteration,

        @Schema(
                description = "W0, W1, …: one column of norms per weight matrix; null where a norm is not a "
                        + "finite number (a gradient that overflowed on the way to a divergence)")
        Map<String, Double[]> layers,

        @Schema(
                description =
                        "W0, W1, …: alpha·‖∂SSE/∂Wl‖/‖Wl‖ at each point, the relative size of a plain "
                                + "gradient step (healthy around 1e-3). Defined this way for momentum and adam too, whose actual "
                                + "steps differ. null where it is not a finite number or the point predates stored weight norms")
        Map<String, Double[]> updateRatios,

        @Schema(
                description = "full or coarse, as for the losses (Trainyard-History-Resolution header too)",
                allowableValues = {"full", "coarse"})
        String resolution) {

    static GradientsResponse from(String jobId, JobHistory history, double alpha) {
        Map<String, Double[]> layers = new LinkedHashMap<>();
        Map<String, Double[]> ratios = new LinkedHashMap<>();
        for (int l = 0; l < history.gradientNorms().length; l++) {
            double[] g = history.gradientNorms()[l];
            double[] w = history.weightNorms()[l];
            Double[] norms = new Double[g.length];
            Double[] r = new Double[g.length];
            for (int i = 0; i < g.length; i++) {
                // JSON has no Infinity: Jackson would write the string "Infinity" into a column of numbers.
                norms[i] = Double.isFinite(g[i]) ? g[i] : null;
                double ratio = alpha * g[i] / w[i];
                r[i] = Double.isFinite(ratio) ? ratio : null;
            }
            layers.put("W" + l, norms);
            ratios.put("W" + l, r);
        }
        return new GradientsResponse(
                jobId, history.iteration(), layers, ratios, history.resolution().id());
    }
}
