package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.zaxxer.hikari.HikariDataSource;

import io.trainyard.system.TrainyardProperties;

class StalledSessionLimitsTests {

    private final StalledSessionLimits limits = new StalledSessionLimits(new StaticListableBeanFactory(Map.of(
                    "properties",
                    new Binder(new MapConfigurationPropertySource(Map.of("trainyard.heartbeat-timeout", "7s")))
                            .bindOrCreate("trainyard", TrainyardProperties.class)))
            .getBeanProvider(TrainyardProperties.class));

    @Test
    void aPostgresPoolEndsIdleTransactionsAndLockWaitsAfterTheHeartbeatTimeout() {
        HikariDataSource pool = pool("jdbc:postgresql://db:5432/trainyard");

        limits.postProcessBeforeInitialization(pool, "dataSource");

        assertThat(pool.getConnectionInitSql())
                .isEqualTo("SET idle_in_transaction_session_timeout = 7000; SET lock_timeout = 7000");
    }

    @Test
    void anEmbeddedDatabaseAndAnOperatorsOwnInitSqlAreLeftAlone() {
        HikariDataSource h2 = pool("jdbc:h2:file:./data/trainyard");
        HikariDataSource configured = pool("jdbc:postgresql://db:5432/trainyard");
        configured.setConnectionInitSql("SET lock_timeout = 1000");

        limits.postProcessBeforeInitialization(h2, "dataSource");
        limits.postProcessBeforeInitialization(configured, "dataSource");

        assertThat(h2.getConnectionInitSql()).isNull();
        assertThat(configured.getConnectionInitSql()).isEqualTo("SET lock_timeout = 1000");
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }
}
