package io.trainyard.system;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;

/**
 * Content negotiation by a {@code format} query parameter (handy for links and {@code <img src>}),
 * which overrides {@code Accept}. Unlike Spring's own parameter strategy, an unknown format is a
 * 400 naming the allowed values rather than a bare 406.
 */
final class FormatParameterStrategy implements ContentNegotiationStrategy {

    static final String PARAMETER = "format";
    /** Marks a request whose format was refused, so the problem answer itself is not refused again. */
    private static final String REFUSED = FormatParameterStrategy.class.getName() + ".refused";

    private final Map<String, MediaType> formats;

    FormatParameterStrategy(Map<String, MediaType> formats) {
        this.formats = Map.copyOf(formats);
    }

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request) {
        String format = request.getParameter(PARAMETER);
        if (format == null || format.isBlank()) {
            return MEDIA_TYPE_ALL_LIST;
        }
        MediaType type = formats.get(format.toLowerCase(Locale.ROOT));
        if (type == null) {
            if (request.getAttribute(REFUSED, RequestAttributes.SCOPE_REQUEST) != null) {
                // Negotiating the 400's own body: let the problem+json through.
                return MEDIA_TYPE_ALL_LIST;
            }
            request.setAttribute(REFUSED, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
            throw new InvalidRequestException(
                    PARAMETER,
                    "must be one of "
                            + String.join(
                                    ", ", formats.keySet().stream().sorted().toList()) + "; got '" + format + "'");
        }
        return List.of(type);
    }
}
