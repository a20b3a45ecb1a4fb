package io.trainyard.system;

/**
 * An {@code Idempotency-Key} that cannot be honoured: reused with a different body (422), or its
 * first request is still being handled (409).
 */
public class IdempotencyException extends RuntimeException {

    private final boolean inFlight;

    public IdempotencyException(String message, boolean inFlight) {
        super(message);
        this.inFlight = inFlight;
    }

    public boolean inFlight() {
        return inFlight;
    }
}
