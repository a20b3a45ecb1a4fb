package io.trainyard.system;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

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
     * Read from the query string alone (never a form body) and with the values Spring binds to {@code true}
     * for the controllers' {@code boolean dryRun}. A query that cannot be decoded is not a dry run (the
     * controller then answers for it).
     */
    public static boolean requested(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return false;
        }
        try {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                if ("dryRun".equals(name)) {
                    String value =
                            equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                    return TRUE.contains(value.trim().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return false;
    }
}
