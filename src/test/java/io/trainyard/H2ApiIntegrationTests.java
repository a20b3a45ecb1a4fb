package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API contract on the embedded default store: an H2 file database in a fresh data directory. */
class H2ApiIntegrationTests extends ApiContract {

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", () -> tempDataDir("trainyard-h2").toString());
    }

    /**
     * H2 keeps 8 parsed statements per connection unless told otherwise, and a homework job runs
     * about 20 distinct ones: every job parsed all of its SQL again (41 parses per job, traced).
     */
    @Test
    void theEmbeddedDatabaseKeepsAJobsStatementsParsed() {
        String size = jdbc.sql(
                        "SELECT setting_value FROM information_schema.settings WHERE setting_name = 'QUERY_CACHE_SIZE'")
                .query(String.class)
                .single();
        assertThat(Integer.parseInt(size)).isGreaterThanOrEqualTo(64);
    }

    /**
     * The repositories use {@code JdbcClient}, which translates SQL exceptions itself: a persistence
     * exception-translation proxy around them only added a reflective call to every query.
     */
    @Test
    void repositoriesAreCalledDirectly() {
        Map<String, Object> repositories = context.getBeansWithAnnotation(Repository.class);
        assertThat(repositories).hasSizeGreaterThanOrEqualTo(8);
        repositories.forEach((name, bean) -> {
            boolean transactional = java.util.Arrays.stream(
                            AopUtils.getTargetClass(bean).getDeclaredMethods())
                    .anyMatch(
                            m -> m.isAnnotationPresent(org.springframework.transaction.annotation.Transactional.class));
            if (!transactional) {
                assertThat(AopUtils.isAopProxy(bean)).as(name).isFalse();
            }
        });
    }
}
