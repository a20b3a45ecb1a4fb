package io.trainyard.training;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.EmbeddedPostgresServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The same on PostgreSQL. */
class PostgresMissedStatusChangesIntegrationTests extends MissedStatusChangesIntegrationTests {

    static final EmbeddedPostgres POSTGRES = EmbeddedPostgresServers.start();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresServers.use(registry, POSTGRES);
    }
}
