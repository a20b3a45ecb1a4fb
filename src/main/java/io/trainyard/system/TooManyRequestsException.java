package io.trainyard.system;

import java.net.URI;
import java.time.Duration;

/**
 * A per-owner limit on how much is asked at once (active jobs, requests per second): 429 with
 * {@code Retry-After}. {@code type} is one of {@link ProblemTypes}.
 */
public class TooManyRequestsException extends RuntimeException {

    private final URI type;
    private final String title;
    private final Duration retryAfter;

    public TooManyRequestsException(URI type, String title, String message, Duration retryAfter) {
        super(message);
        this.type = type;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
