package io.trainyard.job;

import io.trainyard.system.ConflictException;

/** The job's status does not allow what was asked (e.g. deleting a running job). */
public class IllegalJobTransitionException extends ConflictException {

    public IllegalJobTransitionException(String message) {
        super(message);
    }
}
