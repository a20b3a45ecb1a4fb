package io.trainyard.system;

import java.util.Comparator;
import java.util.List;

import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The forms a history can be served in, chosen from the request's {@code Accept} header (or a
 * {@code format} query parameter, handy for links and {@code <img src>}).
 */
public enum Representation {
    JSON(MediaType.APPLICATION_JSON),
    CSV(MediaType.parseMediaType("text/csv")),
    PNG(MediaType.IMAGE_PNG),
    SVG(MediaType.parseMediaType("image/svg+xml"));

    private final MediaType mediaType;

    Representation(MediaType mediaType) {
        this.mediaType = mediaType;
    }

    public MediaType mediaType() {
        return mediaType;
    }

    /** Every media type, for {@code produces} lists. */
    public static final String[] ALL = {"application/json", "text/csv", "image/png", "image/svg+xml"};

    /**
     * The best representation for a request: {@code format} wins when given; otherwise the
     * {@code Accept} entry with the highest quality that names one of ours (JSON when there is no header).
     *
     * @throws InvalidRequestException for an unknown {@code format}
     * @throws HttpMediaTypeNotAcceptableException when the client accepts none of them (406)
     */
    public static Representation choose(String format, String accept) throws HttpMediaTypeNotAcceptableException {
        if (format != null && !format.isBlank()) {
            for (Representation r : values()) {
                if (r.name().equalsIgnoreCase(format)) {
                    return r;
                }
            }
            throw new InvalidRequestException("format", "must be one of json, csv, png, svg; got '" + format + "'");
        }
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            throw new InvalidRequestException("Accept", "is not a valid media type list: " + e.getMessage());
        }
        accepted = accepted.stream().sorted(Comparator.comparingDouble(MediaType::getQualityValue).reversed()).toList();
        for (MediaType type : accepted) {
            for (Representation r : values()) {
                if (type.includes(r.mediaType)) {
                    return r;
                }
            }
        }
        throw new HttpMediaTypeNotAcceptableException(List.of(JSON.mediaType, CSV.mediaType, PNG.mediaType, SVG.mediaType));
    }
}
