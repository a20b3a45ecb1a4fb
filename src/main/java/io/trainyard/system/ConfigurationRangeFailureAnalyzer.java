package io.trainyard.system;

import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * A {@code trainyard.*} value out of its range ({@link TrainyardProperties} and the other
 * {@code @Validated} properties), in one line per value: the property as the operator spells it, the
 * value as they wrote it, where it came from and the range. Spring Boot's own report names the record
 * component ({@code trainyard.heartbeatInterval}) and the converted value ({@code PT0S} for {@code 0}).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConfigurationRangeFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        ValidationErrors errors = cause.getValidationErrors();
        String lines =
                errors.getAllErrors().stream().map(error -> line(errors, error)).collect(Collectors.joining("\n"));
        return new FailureAnalysis(
                "Configuration values out of range:\n" + lines,
                "Change or remove these settings (command-line arguments, environment variables such as "
                        + "TRAINYARD_POLL_INTERVAL, or application.yml); the README's configuration table gives "
                        + "each one's default and range.",
                cause);
    }

    private static String line(ValidationErrors errors, ObjectError error) {
        if (!(error instanceof FieldError field)) {
            return errors.getName() + ": " + error.getDefaultMessage();
        }
        ConfigurationPropertyName name =
                ConfigurationPropertyName.adapt(errors.getName() + "." + field.getField(), '.');
        ConfigurationProperty bound = errors.getBoundProperties().stream()
                .filter(property -> property.getName().equals(name))
                .findFirst()
                .orElse(null);
        if (bound == null) {
            return name + " = " + field.getRejectedValue() + ": " + field.getDefaultMessage();
        }
        String from = bound.getOrigin() == null ? "" : " (" + bound.getOrigin() + ")";
        return bound.getName() + " = " + bound.getValue() + from + ": " + field.getDefaultMessage();
    }
}
