package io.trainyard.system;

import java.util.List;

/**
 * The one rule for the human-readable names of jobs, sweeps and data sets; {@link #MAX_LENGTH} also
 * bounds a data set's column names, which become a model's input and output names.
 */
public final class Names {

    /** Characters (Unicode code points: an emoji is one, as a person counts it), not UTF-16 units. */
    public static final int MAX_LENGTH = 200;

    private Names() {}

    /** The length of a name as {@link #MAX_LENGTH} counts it. */
    public static int length(String name) {
        return name.codePointCount(0, name.length());
    }

    /** Whether the name is longer than {@link #MAX_LENGTH} characters. */
    public static boolean tooLong(String name) {
        // A name of MAX_LENGTH units or fewer is short enough whatever it holds: no count needed.
        return name.length() > MAX_LENGTH && length(name) > MAX_LENGTH;
    }

    /** The name cut to {@link #MAX_LENGTH} characters, ending in "..." when it was longer (never inside a character). */
    public static String shortened(String name) {
        if (name == null || !tooLong(name)) {
            return name;
        }
        return name.substring(0, name.offsetByCodePoints(0, MAX_LENGTH - 3)) + "...";
    }

    /** Adds a {@code name} error when the name is too long or holds a NUL; null (no name) is fine. */
    public static void check(String name, List<FieldError> errors) {
        if (name != null && tooLong(name)) {
            errors.add(new FieldError("name", "must be at most " + MAX_LENGTH + " characters, got " + length(name)));
        } else if (name != null && name.indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store U+0000 in text; refused on every store so that both answer alike.
            errors.add(new FieldError("name", "must not contain the NUL character (U+0000)"));
        }
    }
}
