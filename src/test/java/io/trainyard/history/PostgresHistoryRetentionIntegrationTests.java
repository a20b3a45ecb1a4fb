package io.trainyard.history;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.EmbeddedPostgresServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** History retention and bounded reads on PostgreSQL (the store several instances share). */
class PostgresHistoryRetentionIntegrationTests extends HistoryRetentionContract {

    static final EmbeddedPostgres POSTGRES = EmbeddedPostgresServers.start();

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> tempDataDir("trainyard-pg-retention").toString());
        EmbeddedPostgresServers.use(registry, POSTGRES);
    }
}
