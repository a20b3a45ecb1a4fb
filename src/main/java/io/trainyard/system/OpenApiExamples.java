package io.trainyard.system;

import io.swagger.v3.core.util.Json;

/** Request examples written as JSON text in the code, turned into the objects springdoc's model holds. */
public final class OpenApiExamples {

    private OpenApiExamples() {}

    /**
     * Parses {@code json}; a malformed example is a programming error, reported at start-up.
     *
     * @param what names the example in that error
     */
    public static Object parse(String json, String what) {
        try {
            return Json.mapper().readValue(json, Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The " + what + " example is not JSON", e);
        }
    }
}
