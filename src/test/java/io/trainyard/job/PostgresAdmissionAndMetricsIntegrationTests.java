package io.trainyard.job;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.EmbeddedPostgresServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The same on PostgreSQL, where the admission lock is the database's advisory lock that every instance shares. */
class PostgresAdmissionAndMetricsIntegrationTests extends AdmissionAndMetricsIntegrationTests {

    static final EmbeddedPostgres POSTGRES = EmbeddedPostgresServers.start();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresServers.use(registry, POSTGRES);
    }
}
