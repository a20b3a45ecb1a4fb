package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.support.EmbeddedPostgresServers;
import io.trainyard.support.MigratedDatabases;
import io.trainyard.system.ConflictException;
import io.trainyard.system.TrainyardProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Admin keys in the database, as the service opens it, on H2 and on a real PostgreSQL: the configured
 * bootstrap key becomes the admin row's secret and the generated one stops working; the last admin key
 * cannot be revoked, also when two admins revoke each other at the same moment.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminKeysTests {

    private static final String CONFIGURED = "ty_configured-bootstrap-key-0123456789abcdefghijklmnop";

    private static EmbeddedPostgres postgres;

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A migrated H2 database as the service opens it; a lock wait of up to 10 s (not 1 s) for slow machines. */
    private static DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(
                "jdbc:h2:mem:keys-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        return MigratedDatabases.migrated(h2);
    }

    /** A fresh, migrated database on the embedded PostgreSQL server. */
    private static synchronized DataSource postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServers.start();
        }
        String name = "keys_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return MigratedDatabases.migrated(postgres.getDatabase("postgres", name));
    }

    private static KeyRepository repository(DataSource database) {
        return new KeyRepository(
                JdbcClient.create(database), new TransactionTemplate(new DataSourceTransactionManager(database)));
    }

    private static ApiKeys apiKeys(KeyRepository keys, String bootstrapKey) {
        return ApiKeysTests.apiKeys(
                keys, new AuthProperties(true, bootstrapKey, Duration.ofSeconds(5), Duration.ofMinutes(1)));
    }

    private static AdminKeyBootstrap bootstrap(KeyRepository keys, String bootstrapKey, Path dataDir) {
        AuthProperties auth = new AuthProperties(true, bootstrapKey, Duration.ofSeconds(5), Duration.ofMinutes(1));
        TrainyardProperties properties = new Binder(
                        new MapConfigurationPropertySource(Map.of("trainyard.data-dir", dataDir.toString())))
                .bindOrCreate("trainyard", TrainyardProperties.class);
        return new AdminKeyBootstrap(apiKeys(keys, bootstrapKey), keys, auth, properties);
    }

    @Test
    void onH2TheConfiguredKeyReplacesTheGeneratedOne(CapturedOutput output) throws IOException {
        theConfiguredKeyReplacesTheGeneratedOne(h2(), output);
    }

    @Test
    void onPostgresTheConfiguredKeyReplacesTheGeneratedOne(CapturedOutput output) throws IOException {
        theConfiguredKeyReplacesTheGeneratedOne(postgres(), output);
    }

    private static void theConfiguredKeyReplacesTheGeneratedOne(DataSource database, CapturedOutput output)
            throws IOException {
        KeyRepository keys = repository(database);
        Path dataDir = Files.createTempDirectory("trainyard-keys");
        // Given a first start without a configured key: an admin key is generated and written to admin.key.
        bootstrap(keys, "", dataDir).afterSingletonsInstantiated();
        Path file = dataDir.resolve(AdminKeyBootstrap.FILE_NAME);
        String generated = Files.readString(file).strip();
        assertThat(apiKeys(keys, "").verify(generated)).contains(new Caller("admin", Role.ADMIN));

        // When the service starts with a configured key.
        int logged = output.getOut().length();
        bootstrap(keys, CONFIGURED, dataDir).afterSingletonsInstantiated();

        // Then the configured key is the admin key, and the generated one no longer is, on an instance with
        // the setting and on one without it (sharing the database): there is one admin secret.
        for (String setting : List.of(CONFIGURED, "")) {
            ApiKeys instance = apiKeys(keys, setting);
            assertThat(instance.verify(CONFIGURED)).as(setting).contains(new Caller("admin", Role.ADMIN));
            assertThat(instance.verify(generated)).as(setting).isEmpty();
        }
        assertThat(keys.active()).extracting(KeyRepository.KeyRow::name).containsExactly("admin");
        // One line says so, naming the file that holds the key that no longer works, and never a key.
        String said = output.getOut().substring(logged);
        assertThat(said.lines().filter(line -> line.contains("no longer works")))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains(file.toAbsolutePath().normalize().toString()));
        assertThat(said).doesNotContain(generated).doesNotContain(CONFIGURED);

        // A restart with the same key changes nothing and says nothing of a replacement.
        logged = output.getOut().length();
        bootstrap(keys, CONFIGURED, dataDir).afterSingletonsInstantiated();
        assertThat(output.getOut().substring(logged)).doesNotContain("no longer works");

        // Unset later, the key stays the admin key (in the database, revocable once another admin
        // exists) and no new admin.key is written while it is active.
        Files.delete(file);
        bootstrap(keys, "", dataDir).afterSingletonsInstantiated();
        assertThat(file).doesNotExist();
        assertThat(apiKeys(keys, "").verify(CONFIGURED)).contains(new Caller("admin", Role.ADMIN));
    }

    @Test
    void aConfiguredKeyThatIsAnotherKeysSecretStopsTheStart() {
        KeyRepository keys = repository(h2());
        ApiKeys.Created alice = apiKeys(keys, "").create("alice", "user");

        assertThatThrownBy(
                        () -> bootstrap(keys, alice.secret(), Path.of("unused")).afterSingletonsInstantiated())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is the secret of the key 'alice'")
                .hasMessageNotContaining(alice.secret());
        assertThat(apiKeys(keys, "").verify(alice.secret())).contains(new Caller("alice", Role.USER));
    }

    @Test
    void onH2TwoAdminsRevokingEachOtherAtOnceLeaveOne() throws Exception {
        DataSource database = h2();
        twoAdminsRevokingEachOtherAtOnceLeaveOne(
                database, "SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL");
    }

    @Test
    void onPostgresTwoAdminsRevokingEachOtherAtOnceLeaveOne() throws Exception {
        DataSource database = postgres();
        twoAdminsRevokingEachOtherAtOnceLeaveOne(
                database, "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
    }

    /**
     * @param waiting counts the sessions waiting for a lock: both revocations are under way, each past
     *     its own look at its key, before either may go on
     */
    private static void twoAdminsRevokingEachOtherAtOnceLeaveOne(DataSource database, String waiting) throws Exception {
        KeyRepository keys = repository(database);
        ApiKeys apiKeys = apiKeys(keys, "");
        keys.setAdminSecret(HexFormat.of().formatHex(ApiKeys.sha256(apiKeys.newSecret())));
        String second = apiKeys.create("second-admin", "admin").key().id();
        JdbcClient jdbc = JdbcClient.create(database);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<KeyRepository.Revocation>> revocations = new ArrayList<>();
        try (Connection holder = database.getConnection()) {
            // A third transaction holds the admin rows, so that both revocations start before either ends.
            holder.setAutoCommit(false);
            holder.createStatement()
                    .executeQuery("SELECT id FROM api_keys WHERE role = 'admin' FOR UPDATE")
                    .close();
            for (String id : List.of(KeyRepository.ADMIN_ID, second)) {
                revocations.add(pool.submit(() -> keys.revoke(id, Instant.now())));
            }
            await().atMost(Duration.ofSeconds(8))
                    .until(() -> jdbc.sql(waiting).query(Integer.class).single() >= 2);
            holder.commit();
        }
        List<KeyRepository.Revocation> outcomes = new ArrayList<>();
        for (Future<KeyRepository.Revocation> revocation : revocations) {
            outcomes.add(revocation.get());
        }
        pool.shutdown();

        assertThat(outcomes)
                .containsExactlyInAnyOrder(KeyRepository.Revocation.REVOKED, KeyRepository.Revocation.LAST_ADMIN);
        assertThat(keys.active()).filteredOn(key -> key.role() == Role.ADMIN).hasSize(1);
        // Through the API the refusal is a 409 that says what to do.
        String remaining = keys.active().get(0).id();
        assertThatThrownBy(() -> apiKeys.revoke(remaining))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("is the last admin key; create another admin first");
        // A user key does not count as an admin, and is revoked as ever.
        String user = apiKeys.create("plain-user", "user").key().id();
        apiKeys.revoke(user);
        assertThat(keys.findActive(user)).isEmpty();
    }
}
