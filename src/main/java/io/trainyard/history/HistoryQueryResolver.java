package io.trainyard.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.WholeNumberRange;

/**
 * Reads a {@link HistoryQuery} straight from the query string and checks it against the
 * constraints on its components. Spring's own binding of a record (constructor binding through a
 * {@code DataBinder}) reflects over the record's constructor on every request: profiled under
 * {@code bench/load}, that was about half the CPU of a cached {@code losses} read. A repeated
 * parameter counts by its first value and an empty one as absent, as Spring's binding did.
 */
@Configuration
class HistoryQueryResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    private final Validator validator;

    HistoryQueryResolver(Validator validator) {
        this.validator = validator;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == HistoryQuery.class;
    }

    @Override
    public HistoryQuery resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        return read(request);
    }

    /**
     * @throws InvalidRequestException naming every parameter that is not a number (or boolean) or is out of range
     */
    HistoryQuery read(NativeWebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        HistoryQuery query = new HistoryQuery(
                integer(request, "since", errors),
                integer(request, "maxPoints", errors),
                value(request, "format"),
                bool(request, "log", errors),
                integer(request, "width", errors),
                integer(request, "height", errors));
        if (errors.isEmpty()) {
            for (ConstraintViolation<HistoryQuery> violation : validator.validate(query)) {
                errors.add(new FieldError(violation.getPropertyPath().toString(), violation.getMessage()));
            }
            errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return query;
    }

    private static String value(NativeWebRequest request, String name) {
        String value = request.getParameter(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Integer integer(NativeWebRequest request, String name, List<FieldError> errors) {
        String value = value(request, name);
        if (value == null) {
            return null;
        }
        try {
            if (!WHOLE_NUMBER.matcher(value).matches()) {
                // Integer.valueOf alone takes any Unicode digit (a full-width '３'): one grammar, ASCII decimal.
                throw new NumberFormatException(value);
            }
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            // maxPoints=99999999999 is a whole number, only one too large to hold: say so, with the bound.
            errors.add(new FieldError(
                    name,
                    WHOLE_NUMBER.matcher(value).matches()
                            ? WholeNumberRange.beyond(value, range(name))
                            : "'" + shorten(value) + "' is not a whole number"));
            return null;
        }
    }

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

    /**
     * The range of a parameter: its {@code @Min}/{@code @Max} on {@link HistoryQuery}, the missing bound
     * an {@code int}'s, which for a query parameter is the bound (no larger number can be sent).
     */
    private static WholeNumberRange range(String name) {
        WholeNumberRange integer = WholeNumberRange.ofJavaType(false);
        try {
            return WholeNumberRange.declaredOn(HistoryQuery.class.getDeclaredField(name), integer);
        } catch (NoSuchFieldException e) {
            return integer;
        }
    }

    private static Boolean bool(NativeWebRequest request, String name, List<FieldError> errors) {
        String value = value(request, name);
        if (value == null) {
            return null;
        }
        // The words Spring's own conversion took, so that no request that worked before is refused now.
        switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1":
                return true;
            case "false", "off", "no", "0":
                return false;
            default:
                errors.add(new FieldError(name, "'" + shorten(value) + "' is not true or false"));
                return null;
        }
    }

    /** A value quoted back in full up to a sensible length: the answer stays small whatever was sent. */
    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
