package io.trainyard.job;

import io.trainyard.system.ConflictException;

/**
 * One member of a group of job specs (a sweep) conflicts with what is stored, e.g. its warm-start
 * model does not fit it (409). Carries the member's index, so the caller can name the member the way
 * its user wrote it; unnamed, it is still the member's 409.
 */
public class MemberConflictException extends ConflictException {

    private final int index;

    MemberConflictException(int index, ConflictException cause) {
        super(cause.getMessage());
        this.index = index;
    }

    public int index() {
        return index;
    }
}
