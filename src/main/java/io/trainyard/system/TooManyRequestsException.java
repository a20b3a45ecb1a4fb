package io.trainyard.system;

import java.net.URI;
import java.time.Duration;

/**
 * A limit on how much is asked at once was reached (429 with {@code Retry-After}): per-owner active
 * jobs or requests per second, or open event streams. {@code type} is one of {@link ProblemTypes}.
 */
public class TooManyRequestsException extends RuntimeException {

    private final URI type;
    private final String title;
    private final Duration retryAfter;

    public TooManyRequestsException(URI type, String title, String message, Duration retryAfter) {
        // No stack trace: thrown to every client of a burst that meets a limit, where filling in ~100
        // frames each time is wasted (the answer is the message; nothing logs these).
        super(message, null, false, false);
        this.type = type;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    /** A limit on concurrent use, e.g. open event streams. */
    public TooManyRequestsException(String message, Duration retryAfter) {
        this(ProblemTypes.TOO_MANY_REQUESTS, "Too many requests", message, retryAfter);
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
