package io.trainyard.system;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.method.HandlerMethod;

/**
 * Whether a submit asks for a dry run ({@code ?dryRun=true}), known before its body is read: the checks
 * that run before the handler (quotas, a full queue) must not refuse a request that stores and queues
 * nothing.
 */
public final class DryRunQuery {

    /** What Spring's String-to-boolean conversion reads as true. */
    private static final Set<String> TRUE = Set.of("true", "on", "yes", "1");

    private DryRunQuery() {}

    /**
     * True for a client's own request (not an error dispatch) to a handler marked with {@code marker}
     * that is not a dry run: the requests a guard ahead of the handler (free disk, a full queue) checks.
     */
    public static boolean effectfulCall(
            HttpServletRequest request, Object handler, Class<? extends Annotation> marker) {
        return request.getDispatcherType() == DispatcherType.REQUEST
                && handler instanceof HandlerMethod method
                && method.hasMethodAnnotation(marker)
                && !requested(request);
    }

    /**
     * Read from the query string alone (never a form body) and with the values Spring binds to {@code true}
     * for the controllers' {@code boolean dryRun}. A query that cannot be decoded is not a dry run (the
     * controller then answers for it).
     */
    public static boolean requested(HttpServletRequest request) {
        Map<String, List<String>> given = QueryString.parse(request.getQueryString());
        List<String> values = given == null ? null : given.get("dryRun");
        return values != null && TRUE.contains(values.get(0).trim().toLowerCase(Locale.ROOT));
    }
}
