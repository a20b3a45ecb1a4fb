package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.mock.env.MockEnvironment;

import io.trainyard.security.CorsProperties;
import io.trainyard.security.QuotaProperties;

/**
 * The values out of range of every {@code trainyard.*} group at once (StartupFailureTests shows the
 * report of a real start): bound from the environment as a start binds them, without a context.
 */
class OutOfRangeValuesTests {

    private final DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    private final MockEnvironment environment = new MockEnvironment();

    OutOfRangeValuesTests() {
        beans.registerBeanDefinition("trainyard", new RootBeanDefinition(TrainyardProperties.class));
        beans.registerBeanDefinition("quota", new RootBeanDefinition(QuotaProperties.class));
        beans.registerBeanDefinition("cors", new RootBeanDefinition(CorsProperties.class));
        beans.registerBeanDefinition("unrelated", new RootBeanDefinition(Object.class));
    }

    @Test
    void theDefaultsAreInRange() {
        assertThat(OutOfRangeValues.in(beans, environment)).isEmpty();
    }

    @Test
    void everyGroupIsReportedAndANestedRecordDoesNotHideItsOuterOne() {
        // Spring Boot's validation of a record stops at its nested record's errors: a bad
        // trainyard.limits.* value hid a bad trainyard.workers.
        environment.setProperty("trainyard.workers", "-1");
        environment.setProperty("trainyard.limits.max-iterations", "0");
        environment.setProperty("trainyard.quota.burst", "0");

        assertThat(OutOfRangeValues.in(beans, environment))
                .containsExactly(
                        "trainyard.limits.max-iterations = 0 (\"trainyard.limits.max-iterations\" from property source"
                                + " \"mockProperties\"): must be at least 1",
                        "trainyard.quota.burst = 0 (\"trainyard.quota.burst\" from property source \"mockProperties\"):"
                                + " must be at least 1",
                        "trainyard.workers = -1 (\"trainyard.workers\" from property source \"mockProperties\"): must be"
                                + " 0 (one worker per core) or a positive number of workers");
    }

    @Test
    void aGroupWithAValueThatDoesNotConvertLeavesTheOthersReported() {
        // Not a range: Spring Boot reports it in its own words on the start that binds that group.
        environment.setProperty("trainyard.quota.burst", "many");
        environment.setProperty("trainyard.workers", "-1");

        assertThat(OutOfRangeValues.in(beans, environment))
                .singleElement()
                .asString()
                .startsWith("trainyard.workers = -1 (");
    }
}
