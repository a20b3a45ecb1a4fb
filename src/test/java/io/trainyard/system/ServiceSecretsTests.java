package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.support.EmbeddedPostgresServers;
import io.trainyard.support.MigratedDatabases;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A secret shared through the database: instances asking for it at the same moment get the same one,
 * and asking inside a request's transaction leaves that transaction usable. On H2 and on PostgreSQL.
 */
class ServiceSecretsTests {

    private static EmbeddedPostgres postgres;

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void onH2() throws Exception {
        instancesAskingAtOnceShareOneSecret(MigratedDatabases.h2InMemory("secrets"));
    }

    @Test
    void onPostgres() throws Exception {
        postgres = EmbeddedPostgresServers.start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE secrets");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        instancesAskingAtOnceShareOneSecret(MigratedDatabases.migrated(postgres.getDatabase("postgres", "secrets")));
    }

    private static void instancesAskingAtOnceShareOneSecret(DataSource database) throws Exception {
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(database);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String name = "secret-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> asked = new ArrayList<>();
                for (int instance = 0; instance < 8; instance++) {
                    // One ServiceSecrets per thread: instances sharing the database, each with its own memory.
                    ServiceSecrets secrets = new ServiceSecrets(JdbcClient.create(database), transactions);
                    asked.add(pool.submit(() -> {
                        start.await();
                        return HexFormat.of().formatHex(secrets.get(name));
                    }));
                }
                start.countDown();
                Set<String> seen = new java.util.HashSet<>();
                for (Future<String> answer : asked) {
                    seen.add(answer.get());
                }
                assertThat(seen).as(name).hasSize(1);
                assertThat(seen.iterator().next()).hasSize(64);
            }
        } finally {
            pool.shutdownNow();
        }

        // Inside a request's transaction: the secret is made, and the transaction goes on.
        JdbcClient jdbc = JdbcClient.create(database);
        ServiceSecrets secrets = new ServiceSecrets(jdbc, transactions);
        Integer after = new TransactionTemplate(transactions).execute(status -> {
            secrets.get("inside");
            return jdbc.sql("SELECT COUNT(*) FROM service_secrets")
                    .query(Integer.class)
                    .single();
        });
        assertThat(after).isEqualTo(6);
        assertThat(jdbc.sql("SELECT name FROM service_secrets").query(String.class).list().stream()
                        .collect(Collectors.toSet()))
                .contains("inside", "secret-0");
    }
}
