package io.trainyard.system;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * One grammar for the numbers of query parameters: ASCII decimal, as in JSON bodies and CSV cells. Spring's
 * default editors read {@code ?limit=0x1F4} and {@code #3} as hex, {@code Integer.parseInt} takes any
 * Unicode digit (a full-width '３'), and {@code Double.parseDouble} hex floats, type suffixes and NaN: such a
 * value is now refused as "'0x10' is not a whole number" (a whole number too large for the parameter keeps
 * its range message, {@link ApiExceptionHandler}).
 *
 * <p>Editors, not converters: a converter that refuses a value hands it on to Spring's default editor,
 * which then takes the hex after all; an editor registered for the type is the only one asked.
 */
@ControllerAdvice
class StrictNumberParameters {

    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

    @InitBinder
    void strictNumbers(WebDataBinder binder) {
        binder.registerCustomEditor(int.class, new Strict(whole(Integer::valueOf)));
        binder.registerCustomEditor(Integer.class, new Strict(whole(Integer::valueOf)));
        binder.registerCustomEditor(long.class, new Strict(whole(Long::valueOf)));
        binder.registerCustomEditor(Long.class, new Strict(whole(Long::valueOf)));
        binder.registerCustomEditor(double.class, new Strict(StrictNumberParameters::decimal));
        binder.registerCustomEditor(Double.class, new Strict(StrictNumberParameters::decimal));
    }

    private static Function<String, Object> whole(Function<String, ? extends Number> parse) {
        return value -> {
            if (!WHOLE.matcher(value).matches()) {
                throw new NumberFormatException("not a whole number: " + value);
            }
            return parse.apply(value); // too large for the type: NumberFormatException, then a range message
        };
    }

    private static Object decimal(String value) {
        if (!Decimals.isDecimal(value)) {
            throw new NumberFormatException("not a decimal number: " + value);
        }
        return Double.valueOf(value);
    }

    /** Parses with {@code parse}; a blank value is null, as with Spring's own editors (the default, or missing). */
    private static final class Strict extends PropertyEditorSupport {

        private final Function<String, Object> parse;

        Strict(Function<String, Object> parse) {
            this.parse = parse;
        }

        @Override
        public void setAsText(String text) {
            String value = text == null ? "" : text.strip();
            setValue(value.isEmpty() ? null : parse.apply(value));
        }
    }
}
