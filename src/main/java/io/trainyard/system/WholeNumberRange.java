package io.trainyard.system;

import java.lang.reflect.AnnotatedElement;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * The whole numbers a request field takes ({@code basisDegree}: 1 to 10; {@code iterations}: 0 to
 * {@code trainyard.limits.max-iterations}), kept in one place for the field's own check and for the
 * answer to a number its Java type cannot even hold ({@code "basisDegree": 2147483648}): both then
 * say the same range. Either bound may be missing ({@code batchSize} has no upper one).
 *
 * @param min the smallest value taken, or null for no lower bound
 * @param max the largest value taken, or null for no upper bound
 * @param note said in brackets after the range: the setting that sets it, or what the number counts;
 *     null for nothing
 */
public record WholeNumberRange(Long min, Long max, String note) {

    /** The number in Jackson's out-of-range sentence: "Numeric value (2147483648) out of range of `int` …". */
    static final Pattern QUOTED_NUMBER = Pattern.compile("\\((-?[0-9]{1,400})\\)");

    /** A quoted value is cut here: a number of 400 digits is not worth repeating in full. */
    private static final int QUOTED = 40;

    public static WholeNumberRange between(long min, long max) {
        return new WholeNumberRange(min, max, null);
    }

    public static WholeNumberRange atLeast(long min) {
        return new WholeNumberRange(min, null, null);
    }

    /** This range with {@code note} in brackets after it. */
    public WholeNumberRange because(String note) {
        return new WholeNumberRange(min, max, note);
    }

    public boolean contains(long value) {
        return (min == null || value >= min) && (max == null || value <= max);
    }

    /** "a whole number from 1 to 10", "a whole number of at least 1 (rows per mini-batch)". */
    public String describe() {
        String range;
        if (min != null && max != null) {
            range = "a whole number from " + min + " to " + max;
        } else if (min != null) {
            range = "a whole number of at least " + min;
        } else if (max != null) {
            range = "a whole number of at most " + max;
        } else {
            range = "a whole number";
        }
        return note == null ? range : range + " (" + note + ")";
    }

    /** The field's own check of a value outside the range: "must be a whole number from 1 to 10, got 11". */
    public String mustBe(long got) {
        return "must be " + describe() + ", got " + got;
    }

    /**
     * A whole number, written in full, that the field's Java type cannot hold ({@code given} as sent,
     * e.g. "2147483648"): too large (or too small), and what the field takes when its range is known.
     * Never the Java type's range: that promised basisDegree -2147483648 to 2147483647.
     *
     * @param range the field's range, or null when nothing declares one
     */
    public static String beyond(String given, WholeNumberRange range) {
        String value = given.strip();
        String quoted = value.length() <= QUOTED ? value : value.substring(0, QUOTED) + "…";
        String verdict = "'" + quoted + "' is too " + (value.startsWith("-") ? "small" : "large");
        return range == null ? verdict + " for this field" : verdict + ": must be " + range.describe();
    }

    /**
     * The range that Bean Validation's {@code @Min} and {@code @Max} on {@code element} declare, the
     * missing bound taken from {@code otherwise}'s (the Java type's, for a query parameter: there it is
     * the bound, as no larger number can be sent); null when neither declares a bound.
     */
    public static WholeNumberRange declaredOn(AnnotatedElement element, WholeNumberRange otherwise) {
        Min min = element == null ? null : element.getAnnotation(Min.class);
        Max max = element == null ? null : element.getAnnotation(Max.class);
        Long lower = min != null ? Long.valueOf(min.value()) : otherwise == null ? null : otherwise.min();
        Long upper = max != null ? Long.valueOf(max.value()) : otherwise == null ? null : otherwise.max();
        return lower == null && upper == null ? null : new WholeNumberRange(lower, upper, null);
    }

    /** The range of an {@code int}, or of a {@code long} when {@code wide}. */
    public static WholeNumberRange ofJavaType(boolean wide) {
        return wide ? between(Long.MIN_VALUE, Long.MAX_VALUE) : between(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
}
