package io.trainyard;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The training options on PostgreSQL, in a database of their own on the shared embedded server. */
class PostgresTrainingOptionsIntegrationTests extends TrainingOptionsContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        String url = PostgresApiIntegrationTests.POSTGRES.getJdbcUrl("postgres", "postgres");
        try (Connection db =
                PostgresApiIntegrationTests.POSTGRES.getPostgresDatabase().getConnection()) {
            db.createStatement().execute("CREATE DATABASE training_options");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the training_options database", e);
        }
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-options-pg").toString());
        registry.add("spring.datasource.url", () -> url.replace("/postgres?", "/training_options?"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
