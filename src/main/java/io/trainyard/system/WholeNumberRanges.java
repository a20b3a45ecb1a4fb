package io.trainyard.system;

import java.util.List;
import java.util.regex.Matcher;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;

/**
 * Where a feature declares the ranges of its request bodies' whole-number fields that it checks
 * itself (from configuration, say: {@code iterations} up to {@code trainyard.limits.max-iterations}),
 * as a bean. The JSON reader refuses a number the field's Java type cannot hold before that check
 * runs ({@code "iterations": 10000000000}); its answer ({@link ApiExceptionHandler}, a sweep's grid)
 * gives the field's range from here, so both answers say the same. A field declared nowhere falls
 * back to its Bean Validation {@code @Min}/{@code @Max}.
 */
public interface WholeNumberRanges {

    /**
     * The range of {@code property} of {@code type} (of each element for an array or a list); null
     * when this source does not declare it.
     */
    WholeNumberRange of(Class<?> type, String property);

    /**
     * The range of the field a reading failure is about, found by the last named step of its path
     * ({@code layers[3]}: {@code layers} of the job request; {@code earlyStopping.patience}:
     * {@code patience} of the early-stopping option): from {@code sources}, else the field's
     * {@code @Min}/{@code @Max}; null when neither declares one.
     */
    static WholeNumberRange of(List<? extends WholeNumberRanges> sources, JacksonException failure) {
        List<JacksonException.Reference> path = failure.getPath();
        for (int i = path.size() - 1; i >= 0; i--) {
            JacksonException.Reference step = path.get(i);
            if (step.getPropertyName() == null) {
                continue; // an index into a list: the list's field says what each element takes
            }
            Object from = step.from();
            Class<?> type = from instanceof Class<?> declared ? declared : from == null ? null : from.getClass();
            if (type == null) {
                return null;
            }
            for (WholeNumberRanges source : sources) {
                WholeNumberRange range = source.of(type, step.getPropertyName());
                if (range != null) {
                    return range;
                }
            }
            try {
                return WholeNumberRange.declaredOn(type.getDeclaredField(step.getPropertyName()), null);
            } catch (NoSuchFieldException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The answer to a whole number that its field's Java type cannot hold: too large (or too small),
     * and the field's range from {@code sources} (see {@link #of(List, JacksonException)}) when one is
     * declared. The number comes from Jackson's sentence, which names it.
     */
    static String beyond(List<? extends WholeNumberRanges> sources, InputCoercionException overflow) {
        WholeNumberRange range = of(sources, overflow);
        Matcher number = WholeNumberRange.QUOTED_NUMBER.matcher(String.valueOf(overflow.getOriginalMessage()));
        if (number.find()) {
            return WholeNumberRange.beyond(number.group(1), range);
        }
        return "is too large or too small for this field" + (range == null ? "" : ": must be " + range.describe());
    }
}
