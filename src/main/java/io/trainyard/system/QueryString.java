package io.trainyard.system;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw query string read as names and values, without the servlet container: the checks that run
 * before a handler ({@link DryRunQuery}, {@link QueryParameterCheck}) must read the query alone,
 * never a form body the container would merge into its parameters.
 */
final class QueryString {

    private QueryString() {}

    /**
     * Each name with its values, in the order they came (a name without {@code =} has the value
     * {@code ""}); empty for no query; null when it cannot be decoded (the container's own reading
     * answers for that).
     */
    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> given = new LinkedHashMap<>();
        if (query == null) {
            return given;
        }
        try {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                given.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        return given;
    }
}
