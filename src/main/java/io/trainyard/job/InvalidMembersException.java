package io.trainyard.job;

import java.util.List;

/**
 * Some members of a group of job specs (a sweep) are invalid. Carries each problem with the index
 * of its member, so the caller can name it the way its user wrote it.
 */
public class InvalidMembersException extends RuntimeException {

    private final transient List<MemberError> errors;

    InvalidMembersException(List<MemberError> errors) {
        super(errors.size() + " problems in the job specs");
        this.errors = List.copyOf(errors);
    }

    public List<MemberError> errors() {
        return errors;
    }

    /** A problem of member {@code index}. */
    public record MemberError(int index, io.trainyard.system.FieldError error) {}
}
