package io.trainyard.system;

import java.time.Duration;

/**
 * This instance is busy with work of the same kind that needs the memory this request would need; the
 * request is fine and may be sent again after {@link #retryAfter()} (503 with {@code Retry-After}).
 */
public class ServiceBusyException extends RuntimeException {

    private final Duration retryAfter;

    public ServiceBusyException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
