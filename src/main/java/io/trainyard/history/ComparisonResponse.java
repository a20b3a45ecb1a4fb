package io.trainyard.history;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** One loss series of several jobs, for one comparison chart. */
@Schema(name = "Comparison")
record ComparisonResponse(
        @Schema(description = "train, validation or test") String series, List<Curve> jobs) {

    /** @param values null when the job has no such set (e.g. no validation rows) */
    record Curve(String jobId, String label, int[] iteration, double[] values) {}
}
