package io.trainyard.system;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.BoundPropertiesTrackingBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

/**
 * Every value out of range in the {@code @Validated} {@code trainyard.*} properties records, one line
 * each ({@link #line}), found by binding each record from the environment as the start binds it and
 * validating it whole. The start's own validation ends at the first record with a bad value, and
 * within a record at the first level that has one (a bad {@code trainyard.limits.*} value hid a bad
 * {@code trainyard.workers}), so each start named only some of the bad values.
 */
final class OutOfRangeValues {

    private OutOfRangeValues() {}

    /** The lines, ordered by property. */
    static SortedSet<String> in(ListableBeanFactory beans, Environment environment) {
        Binder binder = Binder.get(environment);
        SortedSet<String> lines = new TreeSet<>();
        try (ValidatorFactory validation = Validation.byDefaultProvider()
                .configure()
                .messageInterpolator(new MessageInterpolatorFactory().getObject())
                .buildValidatorFactory()) {
            for (Class<?> type : TrainyardPropertiesBeans.in(beans).values()) {
                ConfigurationProperties group =
                        AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
                if (group != null && AnnotatedElementUtils.hasAnnotation(type, Validated.class)) {
                    lines.addAll(of(binder, validation.getValidator(), group.prefix(), type));
                }
            }
        }
        return lines;
    }

    private static List<String> of(Binder binder, Validator validator, String prefix, Class<?> type) {
        Set<ConfigurationProperty> bound = new HashSet<>();
        Object record;
        try {
            record = binder.bindOrCreate(
                    prefix,
                    Bindable.of(type).withAnnotations(type.getAnnotations()),
                    new BoundPropertiesTrackingBindHandler(bound::add));
        } catch (RuntimeException e) {
            // Not a value out of range (a value that does not convert, say): the start that binds this
            // group reports it in Spring Boot's words.
            return List.of();
        }
        return validator.validate(record).stream()
                .map(violation -> line(
                        prefix,
                        violation.getPropertyPath().toString(),
                        violation.getInvalidValue(),
                        violation.getMessage(),
                        bound))
                .toList();
    }

    /**
     * One value out of range: the property as the operator spells it, the value as they wrote it, where
     * it came from and the range ({@code message}). Spring Boot's own report names the record component
     * ({@code trainyard.heartbeatInterval}) and the converted value ({@code PT0S} for {@code 0}).
     *
     * @param path the record component, dotted for a nested record ({@code limits.maxIterations}); empty
     *     for a check of the whole record
     */
    static String line(
            String group, String path, Object rejected, String message, Collection<ConfigurationProperty> bound) {
        if (path.isEmpty()) {
            return group + ": " + message;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(group + "." + path, '.');
        ConfigurationProperty property = bound.stream()
                .filter(candidate -> candidate.getName().equals(name))
                .findFirst()
                .orElse(null);
        if (property == null) {
            return name + " = " + rejected + ": " + message;
        }
        String from = property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
        return property.getName() + " = " + property.getValue() + from + ": " + message;
    }
}
