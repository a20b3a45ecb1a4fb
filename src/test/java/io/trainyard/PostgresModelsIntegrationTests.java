package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Lineage, ONNX, aliases and CSV predictions on PostgreSQL: real server binaries fetched by Maven. */
class PostgresModelsIntegrationTests extends ModelsContract {

    static final EmbeddedPostgres POSTGRES = PostgresApiIntegrationTests.start();

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-pg-models").toString());
        registry.add("spring.datasource.url", () -> POSTGRES.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
