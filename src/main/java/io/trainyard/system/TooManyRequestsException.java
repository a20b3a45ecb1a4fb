package io.trainyard.system;

import java.time.Duration;

/**
 * A limit on concurrent use was reached (429), e.g. open event streams; the client should retry
 * after {@link #retryAfter()}.
 */
public class TooManyRequestsException extends RuntimeException {

    private final Duration retryAfter;

    public TooManyRequestsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
