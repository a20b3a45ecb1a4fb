package io.trainyard.system;

import java.time.Duration;

/** The job queue is at capacity (429); the client should retry after {@link #retryAfter()}. */
public class QueueFullException extends RuntimeException {

    private final Duration retryAfter;

    public QueueFullException(String message, Duration retryAfter) {
        // No stack trace: thrown to every client of a burst that meets a limit, where filling in ~100
        // frames each time is wasted (the answer is the message; nothing logs these).
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
