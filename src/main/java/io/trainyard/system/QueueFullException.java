package io.trainyard.system;

import java.time.Duration;

/** The job queue is at capacity (429); the client should retry after {@link #retryAfter()}. */
public class QueueFullException extends RuntimeException {

    private final Duration retryAfter;

    public QueueFullException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
