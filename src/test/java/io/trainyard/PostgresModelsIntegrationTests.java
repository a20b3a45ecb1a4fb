package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.EmbeddedPostgresServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Lineage, ONNX, aliases and CSV predictions on PostgreSQL: real server binaries fetched by Maven. */
class PostgresModelsIntegrationTests extends ModelsContract {

    static final EmbeddedPostgres POSTGRES = EmbeddedPostgresServers.start();

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-pg-models").toString());
        EmbeddedPostgresServers.use(registry, POSTGRES);
    }
}
