package io.trainyard.system;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;

/**
 * The {@code Accept} header, read with its refusals: {@code q=0} means "not acceptable" (RFC 9110
 * §12.4.2), and a type takes the quality of the most specific range that matches it, so {@code
 * *}{@code /*, application/json;q=0} accepts anything but JSON. Spring's header strategy returns such
 * ranges as they are, and its matching then treats {@code application/json;q=0} as a match for
 * JSON. Here a header with a {@code q=0} range becomes the list of what it still accepts: ranges
 * no refusal narrows stay as they are, the rest are replaced by the types this service can produce
 * ({@code known}) that they still accept, each with its own quality. When nothing is left, Spring
 * answers 406 naming what the endpoint produces. A header without {@code q=0} is returned as
 * Spring reads it.
 */
final class AcceptHeaderStrategy implements ContentNegotiationStrategy {

    private final ContentNegotiationStrategy header = new HeaderContentNegotiationStrategy();
    private final Supplier<? extends Collection<MediaType>> known;

    /** @param known every concrete type an endpoint or converter can produce, asked for on the first refusal */
    AcceptHeaderStrategy(Supplier<? extends Collection<MediaType>> known) {
        this.known = known;
    }

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request) throws HttpMediaTypeNotAcceptableException {
        List<MediaType> accepted = header.resolveMediaTypes(request);
        if (accepted.stream().noneMatch(AcceptHeaderStrategy::refused)) {
            return accepted;
        }
        List<MediaType> still = stillAccepted(accepted, known.get());
        if (still.isEmpty()) {
            // Not an empty list: Spring looks up the exception handler by the acceptable types too, and
            // with none it finds no advice, so the 406 went out without a body. Thrown, the request
            // mapping answers 406 with what the endpoint produces, and the advice is found as for any Accept.
            throw new RefusesEverything();
        }
        return still;
    }

    /** An {@code Accept} whose refusals leave nothing of what the service produces. */
    static final class RefusesEverything extends HttpMediaTypeNotAcceptableException {

        RefusesEverything() {
            super(List.of());
        }
    }

    /** What {@code accepted} accepts once its refusals are applied, best first. */
    static List<MediaType> stillAccepted(List<MediaType> accepted, Collection<MediaType> known) {
        Set<MediaType> result = new LinkedHashSet<>();
        for (MediaType range : accepted) {
            if (refused(range)) {
                continue;
            }
            boolean narrowed = accepted.stream().anyMatch(other -> refused(other) && range.includes(other));
            if (!narrowed) {
                result.add(range);
                continue;
            }
            for (MediaType type : known) {
                if (matches(range, type)) {
                    MediaType best = mostSpecificMatch(type, accepted);
                    if (!refused(best)) {
                        result.add(type.copyQualityValue(best));
                    }
                }
            }
        }
        // Stable, by quality alone: the header strategy's order stays among equals, and unlike
        // MimeTypeUtils.sortBySpecificity there is no limit of 50 on what the ranges expand to.
        List<MediaType> sorted = new ArrayList<>(result);
        sorted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        return sorted;
    }

    private static boolean refused(MediaType range) {
        return range.getQualityValue() == 0;
    }

    /**
     * The range whose quality {@code type} takes: the most specific one that matches it (a type over
     * {@code type/*} over {@code *}{@code /*}; more parameters over fewer); between equally specific
     * ones, a refusal, which the client wrote on purpose.
     */
    private static MediaType mostSpecificMatch(MediaType type, List<MediaType> accepted) {
        MediaType best = null;
        for (MediaType range : accepted) {
            if (!matches(range, type)) {
                continue;
            }
            if (best == null
                    || specificity(range) > specificity(best)
                    || (specificity(range) == specificity(best) && range.getQualityValue() < best.getQualityValue())) {
                best = range;
            }
        }
        return best;
    }

    /** A range matches a type it includes, if the type has each of the range's parameters (q aside). */
    private static boolean matches(MediaType range, MediaType type) {
        if (!range.includes(type)) {
            return false;
        }
        for (Map.Entry<String, String> parameter : range.getParameters().entrySet()) {
            if (!parameter.getKey().equalsIgnoreCase("q")
                    && !parameter.getValue().equalsIgnoreCase(type.getParameter(parameter.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static int specificity(MediaType range) {
        int parameters = (int) range.getParameters().keySet().stream()
                .filter(name -> !name.equalsIgnoreCase("q"))
                .count();
        if (range.isWildcardType()) {
            return 0;
        }
        if (range.isWildcardSubtype()) {
            return range.getSubtypeSuffix() == null ? 1 : 2; // application/*+json is narrower than application/*
        }
        return 3 + parameters;
    }
}
