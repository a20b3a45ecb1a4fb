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

    /**
     * Adds a {@code name} error when the name is too long, holds a NUL or is not Unicode text; null (no
     * name) is fine.
     */
    public static void check(String name, List<FieldError> errors) {
        if (name != null && tooLong(name)) {
            errors.add(new FieldError("name", "must be at most " + MAX_LENGTH + " characters, got " + length(name)));
        } else if (name != null) {
            String problem = characterProblem(name);
            if (problem != null) {
                errors.add(new FieldError("name", problem));
            }
        }
    }

    /**
     * The text with every character a name may not hold (NUL, an unpaired UTF-16 surrogate) written out
     * as its escape (a backslash, u and four hex digits), the rest as it is. For names the service builds from the client's values
     * (a sweep member's {@code "s [activation=…]"}): such a name is no field the client sent, so it must be
     * a valid name whatever the values hold; a value that is no text is refused for itself, where it was sent.
     */
    public static String escapeNonText(String text) {
        int at = nonText(text, 0);
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        int from = 0;
        for (; at >= 0; at = nonText(text, from)) {
            out.append(text, from, at).append(String.format("\\u%04X", (int) text.charAt(at)));
            from = at + 1;
        }
        return out.append(text, from, text.length()).toString();
    }

    /** The index of the first character from {@code from} on that no text holds (NUL, an unpaired surrogate), or -1. */
    private static int nonText(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one character outside the Basic Multilingual Plane, such as an emoji
            } else if (c == '\u0000' || Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What is wrong with the characters of a name (or any text that is stored and shown again), or null.
     * PostgreSQL cannot store U+0000 in text; refused on every store so that both answer alike. A lone
     * UTF-16 surrogate ({@code "a\ud800b"} is valid JSON, but no Unicode text) was stored as it came, then
     * written as '?' in event streams, plots and ONNX files, and as an ill-formed escape in JSON answers;
     * PostgreSQL's driver stored '?' outright. CSV text is held to the same rule ({@link StrictText}).
     */
    public static String characterProblem(String text) {
        if (text.indexOf('\u0000') >= 0) {
            return "must not contain the NUL character (U+0000)";
        }
        int i = nonText(text, 0); // no NUL here: an unpaired surrogate
        if (i < 0) {
            return null;
        }
        return String.format(
                "holds an unpaired UTF-16 surrogate (\\u%04X at character %d), which is not Unicode "
                        + "text; send the character it belongs to whole, or leave it out",
                (int) text.charAt(i), text.codePointCount(0, i) + 1);
    }
}
