package io.trainyard.history;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The query parameters every history endpoint shares, bound once. {@code format} itself is read by
 * the content negotiation (it overrides {@code Accept}); it is here so that it is documented.
 *
 * @param since only points with a larger iteration
 * @param maxPoints downsample to at most this many points; null for all
 */
record HistoryQuery(
        @Parameter(description = "Only points with a larger iteration")
        Integer since,

        @Parameter(description = "Downsample to at most this many points (at least 2)") @Min(2)
        Integer maxPoints,

        @Parameter(description = "json, csv, png or svg; overrides Accept")
        String format,

        @Parameter(description = "Plots: logarithmic y axis (default true)") @Schema(defaultValue = "true")
        Boolean log,

        @Parameter(description = "Plots: width in pixels, 200 to 4000 (default 900)" + HistoryQuery.PLOT_SIZE)
        @Schema(defaultValue = "900")
        @Min(200)
        @Max(4000)
        Integer width,

        @Parameter(description = "Plots: height in pixels, 150 to 4000 (default 500)" + HistoryQuery.PLOT_SIZE)
        @Schema(defaultValue = "500")
        @Min(150)
        @Max(4000)
        Integer height) {

    /**
     * The bound on both sides together ({@link PlotRenderer.Chart#MAX_PIXELS}), which each side's own
     * range cannot say: a client reading only the ranges sent 4000 × 4000 and got a 400.
     */
    static final String PLOT_SIZE = "; width × height at most " + PlotRenderer.Chart.MAX_PIXELS
            + " pixels (2000 × 2000 or 4000 × 1000, not 4000 × 4000)";

    /** The 400 of every endpoint that plots. */
    static final String BAD_QUERY = "A query parameter outside its range (see its schema), or a plot of more than "
            + PlotRenderer.Chart.MAX_PIXELS + " pixels (width × height); `errors` names each";

    int sinceOrAll() {
        return since == null ? -1 : since;
    }

    boolean logOrDefault() {
        return log == null || log;
    }

    int widthOrDefault() {
        return width == null ? 900 : width;
    }

    int heightOrDefault() {
        return height == null ? 500 : height;
    }
}
