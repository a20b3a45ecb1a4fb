package io.trainyard.system;

import java.util.SortedSet;
import java.util.TreeSet;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * A {@code trainyard.*} value out of its range ({@link TrainyardProperties} and the other
 * {@code @Validated} properties records) ended the start: the report names every value out of range
 * in every group, one line each ordered by property ({@link OutOfRangeValues}), not only those of the
 * record whose binding failed first. Before, bad values in two groups ({@code trainyard.workers} and
 * {@code trainyard.quota.*}) took two failed starts of 10–30 s each to find.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConfigurationRangeFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> {

    private final BeanFactory beans;
    private final Environment environment;

    ConfigurationRangeFailureAnalyzer(BeanFactory beans, Environment environment) {
        this.beans = beans;
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        ValidationErrors errors = cause.getValidationErrors();
        SortedSet<String> lines = new TreeSet<>();
        for (ObjectError error : errors) {
            lines.add(
                    error instanceof FieldError field
                            ? OutOfRangeValues.line(
                                    errors.getName().toString(),
                                    field.getField(),
                                    field.getRejectedValue(),
                                    field.getDefaultMessage(),
                                    errors.getBoundProperties())
                            : OutOfRangeValues.line(
                                    errors.getName().toString(),
                                    "",
                                    null,
                                    error.getDefaultMessage(),
                                    errors.getBoundProperties()));
        }
        if (beans instanceof ListableBeanFactory listable && environment != null) {
            try {
                lines.addAll(OutOfRangeValues.in(listable, environment));
            } catch (RuntimeException e) {
                // The failure's own values are still worth reporting on their own.
            }
        }
        return new FailureAnalysis(
                "Configuration values out of range:\n" + String.join("\n", lines),
                "Change or remove these settings (command-line arguments, environment variables such as "
                        + "TRAINYARD_POLL_INTERVAL, or application.yml); the README's configuration table gives "
                        + "each one's default and range.",
                cause);
    }
}
