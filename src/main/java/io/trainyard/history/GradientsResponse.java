package io.trainyard.history;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** Per-layer Frobenius norms of ∂loss/∂Wl over the iterations: the picture of vanishing and exploding gradients. */
@Schema(name = "Gradients")
record GradientsResponse(
        String jobId,
        int[] iteration,
        @Schema(description = "W0, W1, …: one column of norms per weight matrix") Map<String, double[]> layers) {

    static GradientsResponse from(String jobId, JobHistory history) {
        Map<String, double[]> layers = new LinkedHashMap<>();
        for (int l = 0; l < history.gradientNorms().length; l++) {
            layers.put("W" + l, history.gradientNorms()[l]);
        }
        return new GradientsResponse(jobId, history.iteration(), layers);
    }
}
