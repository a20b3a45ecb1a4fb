package io.trainyard.system;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Content negotiation by a {@code format} query parameter (handy for links and {@code <img src>}),
 * which overrides {@code Accept}. Unlike Spring's own parameter strategy, an unknown format is a
 * 400 naming the formats of the endpoint asked, rather than a bare 406; a format the service knows
 * but the endpoint does not produce ({@code onnx} of a history) stays the 406 naming what it produces.
 *
 * <p>The 400 is given by {@link #preHandle} once the endpoint is known, before it runs. Negotiation
 * itself happens earlier, while the request is matched to an endpoint, and a list there named every
 * format of the service: {@code format=xml} of a history listed {@code onnx}, which then got a 406.
 */
final class FormatParameterStrategy implements ContentNegotiationStrategy, HandlerInterceptor {

    static final String PARAMETER = "format";

    private final Map<String, MediaType> formats;
    /** Every type the service produces: what an unknown format stands for until its endpoint refuses it. */
    private final Supplier<? extends Collection<MediaType>> anything;

    FormatParameterStrategy(Map<String, MediaType> formats, Supplier<? extends Collection<MediaType>> anything) {
        this.formats = Map.copyOf(formats);
        this.anything = anything;
    }

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request) {
        String format = request.getParameter(PARAMETER);
        if (format == null || format.isBlank()) {
            return MEDIA_TYPE_ALL_LIST;
        }
        MediaType type = formats.get(format.toLowerCase(Locale.ROOT));
        if (type == null) {
            // Not */* (the Accept header would be read then, and could answer 406 first): the format still
            // overrides Accept, and preHandle refuses it naming the endpoint's formats. The problem+json of
            // that 400, or of any error before it, goes out whatever is negotiated here.
            return List.copyOf(anything.get());
        }
        return List.of(type);
    }

    /** Refuses a format the service does not know, naming those of this endpoint (what it declares it produces). */
    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String format = request.getParameter(PARAMETER);
        if (format == null
                || format.isBlank()
                || formats.containsKey(format.toLowerCase(Locale.ROOT))
                || request.getDispatcherType() != DispatcherType.REQUEST
                || !(handler instanceof HandlerMethod)) {
            return true;
        }
        @SuppressWarnings("unchecked")
        Set<MediaType> produced =
                (Set<MediaType>) request.getAttribute(HandlerMapping.PRODUCIBLE_MEDIA_TYPES_ATTRIBUTE);
        // Set by the mapping when the endpoint declares what it produces (every endpoint here does); one that
        // declares nothing answers with what Jackson writes.
        Collection<MediaType> types = produced == null ? List.of(MediaType.APPLICATION_JSON) : produced;
        List<String> names = formats.entrySet().stream()
                .filter(entry -> types.stream().anyMatch(t -> t.includes(entry.getValue())))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        String got = "; got '" + format + "'";
        throw new InvalidRequestException(
                PARAMETER,
                names.isEmpty()
                        ? "is not for this endpoint, which produces only "
                                + String.join(
                                        " or ",
                                        types.stream()
                                                .map(t -> t.getType() + "/" + t.getSubtype())
                                                .toList())
                                + ": leave it out" + got
                        : "must be one of " + String.join(", ", names) + got);
    }
}
