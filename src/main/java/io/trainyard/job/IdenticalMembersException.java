package io.trainyard.job;

import java.util.List;

/**
 * Some members of a group of job specs (a sweep) would train exactly alike: their resolved specs
 * are equal but for their names (a batch of at least the training rows counting as the full batch it
 * is). Grid values written differently can mean the same ({@code "relu"} and {@code "RELU"}, an
 * optimizer with or without its default parameters), so duplicates are found on what the members
 * resolve to, not on what was sent. Carries each later member with the first one it repeats, so the
 * caller can name the grid values that make them alike.
 */
public class IdenticalMembersException extends RuntimeException {

    private final transient List<Repeat> repeats;

    IdenticalMembersException(List<Repeat> repeats) {
        super(repeats.size() + " job specs repeat earlier ones");
        this.repeats = List.copyOf(repeats);
    }

    public List<Repeat> repeats() {
        return repeats;
    }

    /**
     * Member {@code index} trains exactly as member {@code sameAs} (an earlier one).
     *
     * @param spec member {@code index}'s resolved spec
     * @param sameAsSpec member {@code sameAs}'s
     * @param trainingRows the rows both train on
     */
    public record Repeat(int index, int sameAs, JobSpec spec, JobSpec sameAsSpec, int trainingRows) {}
}
