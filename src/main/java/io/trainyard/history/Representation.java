package io.trainyard.history;

import java.util.Comparator;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;

/**
 * The forms a history can be served in. Which one a request gets is decided by Spring's content
 * negotiation ({@code format} parameter, else {@code Accept}); {@link #of} maps its answer here.
 */
enum Representation {
    JSON(MediaType.APPLICATION_JSON),
    CSV(MediaType.parseMediaType("text/csv")),
    PNG(MediaType.IMAGE_PNG),
    SVG(MediaType.parseMediaType("image/svg+xml"));

    private final MediaType mediaType;

    Representation(MediaType mediaType) {
        this.mediaType = mediaType;
    }

    MediaType mediaType() {
        return mediaType;
    }

    boolean isPlot() {
        return this == PNG || this == SVG;
    }

    /**
     * The best representation for the negotiated media types: the highest-quality requested type
     * that includes one of ours (JSON for {@code *}{@code /*}; the client's order among equals). A type
     * with {@code q=0} is not acceptable (RFC 9110 §12.4.2): never chosen, though the application's
     * negotiation has already applied such refusals to the list.
     *
     * @throws HttpMediaTypeNotAcceptableException when the client accepts none of them (406)
     */
    static Representation of(List<MediaType> requested) throws HttpMediaTypeNotAcceptableException {
        List<MediaType> sorted = requested.stream()
                .filter(type -> type.getQualityValue() > 0)
                .sorted(Comparator.comparingDouble(MediaType::getQualityValue).reversed())
                .toList();
        for (MediaType type : sorted) {
            for (Representation r : values()) {
                if (type.includes(r.mediaType)) {
                    return r;
                }
            }
        }
        throw new HttpMediaTypeNotAcceptableException(
                List.of(JSON.mediaType, CSV.mediaType, PNG.mediaType, SVG.mediaType));
    }
}
