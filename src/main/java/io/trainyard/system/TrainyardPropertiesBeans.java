package io.trainyard.system;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The {@code trainyard.*} properties records among a bean factory's definitions ({@link TrainyardProperties},
 * {@code QuotaProperties}, {@code AuthProperties}, …): one per group, each bound on its own. Read from the
 * definitions, so it answers before any of them is bound and after a start that failed.
 */
final class TrainyardPropertiesBeans {

    private TrainyardPropertiesBeans() {}

    /** Bean name to record type, in definition order. */
    static Map<String, Class<?>> in(ListableBeanFactory beans) {
        Map<String, Class<?>> records = new LinkedHashMap<>();
        Arrays.stream(beans.getBeanDefinitionNames()).forEach(name -> {
            Class<?> type = beans.getType(name, false);
            if (type != null
                    && type.getName().startsWith("io.trainyard.")
                    && AnnotatedElementUtils.hasAnnotation(type, ConfigurationProperties.class)) {
                records.put(name, type);
            }
        });
        return records;
    }
}
