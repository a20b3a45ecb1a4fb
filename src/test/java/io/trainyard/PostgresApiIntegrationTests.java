package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.EmbeddedPostgresServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The API contract on PostgreSQL: real server binaries fetched by Maven, started for this class. */
class PostgresApiIntegrationTests extends ApiContract {

    static final EmbeddedPostgres POSTGRES = EmbeddedPostgresServers.start();

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", () -> tempDataDir("trainyard-pg").toString());
        EmbeddedPostgresServers.use(registry, POSTGRES);
    }
}
