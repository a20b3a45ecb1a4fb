package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.support.EmbeddedPostgresServers;
import io.trainyard.system.ConflictException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * V15 on a database where the race it closes already happened: case variants of one name, made at
 * the same moment through different instances, survive the migration with their names (they own
 * data), the oldest keeps the folded name every new variant collides with, and the start-up does not
 * fail. On H2 (PostgreSQL mode, as the service opens it) and on a real PostgreSQL.
 */
class KeyNamesFoldedMigrationTests {

    private static EmbeddedPostgres postgres;

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void onH2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:v15-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        caseVariantsMadeBeforeV15AreKeptAndNoNewOneCanBeCreated(h2);
    }

    @Test
    void onPostgres() {
        postgres = EmbeddedPostgresServers.start();
        caseVariantsMadeBeforeV15AreKeptAndNoNewOneCanBeCreated(postgres.getPostgresDatabase());
    }

    private static void caseVariantsMadeBeforeV15AreKeptAndNoNewOneCanBeCreated(DataSource database) {
        // Given the schema of V14 with keys that collide but for case, two created at the same instant.
        migrate(database, "14");
        JdbcClient jdbc = JdbcClient.create(database);
        OffsetDateTime instant = OffsetDateTime.of(2026, 11, 30, 10, 0, 0, 0, ZoneOffset.UTC);
        insertKey(jdbc, "00000000-0000-0000-0000-0000000000b2", "case3", instant);
        insertKey(jdbc, "00000000-0000-0000-0000-0000000000a1", "CASE3", instant);
        insertKey(jdbc, "00000000-0000-0000-0000-0000000000c3", "Case3", instant.plusSeconds(1));
        insertKey(jdbc, "00000000-0000-0000-0000-0000000000d4", "solo", instant.plusSeconds(2));

        // When the service starts on it.
        migrate(database, null);

        // Then every key is still there under its own name; the oldest (ties: the smaller id) keeps the
        // plain folded name, the others one of their own.
        Map<String, String> folded = jdbc
                .sql("SELECT name, folded_name FROM api_keys")
                .query((rs, row) -> Map.entry(rs.getString("name"), rs.getString("folded_name")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(folded)
                .containsOnlyKeys("admin", "case3", "CASE3", "Case3", "solo")
                .containsEntry("admin", "admin")
                .containsEntry("solo", "solo")
                .containsEntry("CASE3", "case3")
                .containsEntry("case3", "case3#00000000-0000-0000-0000-0000000000b2")
                .containsEntry("Case3", "case3#00000000-0000-0000-0000-0000000000c3");
        KeyRepository keys =
                new KeyRepository(jdbc, new TransactionTemplate(new DataSourceTransactionManager(database)));
        assertThat(keys.caseVariantsKeptApart()).containsExactly("case3", "Case3");

        // And the database refuses any further variant, of the colliding names or of the others.
        ApiKeys apiKeys =
                ApiKeysTests.apiKeys(keys, new AuthProperties(true, "", Duration.ofSeconds(5), Duration.ofMinutes(1)));
        for (String name : List.of("cAsE3", "case3", "Solo", "ADMIN")) {
            assertThatThrownBy(() -> apiKeys.create(name, "user")).as(name).isInstanceOf(ConflictException.class);
        }
        // A variant the look-up misses (as one committed by another instance a moment later would be) is
        // refused by the constraint: the insert the look-up guards, made directly.
        assertThatThrownBy(() -> keys.insert(
                        new KeyRepository.KeyRow(
                                UUID.randomUUID().toString(),
                                "SOLO",
                                Role.USER,
                                "ff".repeat(32),
                                instant.toInstant(),
                                null,
                                null),
                        ApiKeys.folded("SOLO")))
                .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThat(apiKeys.create("case4", "user").key().name()).isEqualTo("case4");
    }

    private static void migrate(DataSource database, String target) {
        var configuration = Flyway.configure().dataSource(database).locations("classpath:db/migration");
        if (target != null) {
            configuration.target(target);
        }
        configuration.load().migrate();
    }

    private static void insertKey(JdbcClient jdbc, String id, String name, OffsetDateTime createdAt) {
        jdbc.sql("""
                INSERT INTO api_keys (id, name, role, secret_hash, created_at)
                VALUES (:id, :name, 'user', :hash, :createdAt)""")
                .param("id", id)
                .param("name", name)
                .param("hash", id.replace("-", "").repeat(2))
                .param("createdAt", createdAt)
                .update();
    }
}
