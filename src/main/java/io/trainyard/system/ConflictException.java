package io.trainyard.system;

/** A request that is well-formed but not possible in the resource's current state (409). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
