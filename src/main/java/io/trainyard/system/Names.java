package io.trainyard.system;

import java.util.List;

/**
 * The one rule for the human-readable names of jobs, sweeps and data sets; {@link #MAX_LENGTH} also
 * bounds a data set's column names, which become a model's input and output names.
 */
public final class Names {

    public static final int MAX_LENGTH = 200;

    private Names() {}

    /** Adds a {@code name} error when the name is too long or holds a NUL; null (no name) is fine. */
    public static void check(String name, List<FieldError> errors) {
        if (name != null && name.length() > MAX_LENGTH) {
            errors.add(new FieldError("name", "must be at most " + MAX_LENGTH + " characters, got " + name.length()));
        } else if (name != null && name.indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store U+0000 in text; refused on every store so that both answer alike.
            errors.add(new FieldError("name", "must not contain the NUL character (U+0000)"));
        }
    }
}
