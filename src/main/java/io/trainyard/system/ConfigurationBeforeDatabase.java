package io.trainyard.system;

import java.util.Arrays;
import java.util.stream.Stream;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Binds (and so checks) every {@code trainyard.*} properties record before the database pool is made:
 * a value out of range used to be refused only after the pool had opened the database and Flyway had
 * created and migrated it, leaving a fresh {@code trainyard.mv.db} behind a refused start (audit F6).
 * The pool bean, and the web server's factory, are made to depend on those records, which are bound
 * when they are made.
 */
@Component
class ConfigurationBeforeDatabase implements BeanFactoryPostProcessor {

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beans) {
        String[] properties = TrainyardPropertiesBeans.in(beans).keySet().toArray(String[]::new);
        // The web server's factory too: it is made before Tomcat's context starts, whose filters are the
        // first beans to need the pool. Bound there, a bad value was an ERROR "Error starting Tomcat
        // context" with an unrelated bean's stack trace before the one-line report.
        String[] first = Stream.concat(
                        Arrays.stream(beans.getBeanNamesForType(HikariDataSource.class, true, false)),
                        Arrays.stream(beans.getBeanNamesForType(WebServerFactory.class, true, false)))
                .toArray(String[]::new);
        for (String bean : first) {
            BeanDefinition definition = beans.getBeanDefinition(bean);
            String[] before = definition.getDependsOn() == null ? new String[0] : definition.getDependsOn();
            definition.setDependsOn(Stream.concat(Arrays.stream(before), Arrays.stream(properties))
                    .toArray(String[]::new));
        }
    }
}
