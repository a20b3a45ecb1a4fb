package io.trainyard.system;

import java.util.List;

/** The one rule for the human-readable names of jobs, sweeps and data sets. */
public final class Names {

    public static final int MAX_LENGTH = 200;

    private Names() {}

    /** Adds a {@code name} error when the name is too long; null (no name) is fine. */
    public static void check(String name, List<FieldError> errors) {
        if (name != null && name.length() > MAX_LENGTH) {
            errors.add(new FieldError("name", "must be at most " + MAX_LENGTH + " characters, got " + name.length()));
        }
    }
}
