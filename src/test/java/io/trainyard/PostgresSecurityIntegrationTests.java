package io.trainyard;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Issue 11's contract on PostgreSQL: the server of {@link PostgresApiIntegrationTests}, a database of its own. */
class PostgresSecurityIntegrationTests extends SecurityContract {

    private static final String DATABASE = "trainyard_security";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        EmbeddedPostgres postgres = PostgresApiIntegrationTests.POSTGRES;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the test database", e);
        }
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-pg-security").toString());
        registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", DATABASE));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
