package io.trainyard.history;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.swagger.v3.oas.annotations.Parameter;

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

        @Parameter(description = "Plots: logarithmic y axis (default true)")
        Boolean log,

        @Parameter(description = "Plots: width in pixels, 200 to 4000 (default 900)") @Min(200) @Max(4000)
        Integer width,

        @Parameter(description = "Plots: height in pixels, 150 to 4000 (default 500)") @Min(150) @Max(4000)
        Integer height) {

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
