package io.trainyard.system;

/** A request body over {@code trainyard.limits.max-request-size} (413). */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
