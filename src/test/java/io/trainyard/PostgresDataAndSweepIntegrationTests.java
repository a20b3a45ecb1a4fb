package io.trainyard;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Uploads and sweeps on PostgreSQL: the server of {@link PostgresApiIntegrationTests}, but a
 * database of its own, since that suite's cached context keeps polling its own tables.
 */
class PostgresDataAndSweepIntegrationTests extends DataAndSweepContract {

    private static final String DATABASE = "trainyard_sweeps";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        EmbeddedPostgres postgres = PostgresApiIntegrationTests.POSTGRES;
        createDatabase(postgres);
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-pg-sweeps").toString());
        registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", DATABASE));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    private static void createDatabase(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the test database", e);
        }
    }
}
