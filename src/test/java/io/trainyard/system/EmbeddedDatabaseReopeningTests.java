package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.h2.message.DbException;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.datasource.AbstractDataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;

import io.trainyard.support.FullDiskFileSystem;

class EmbeddedDatabaseReopeningTests {

    private static final long MIB = 1024L * 1024;

    /** The free space the guard reads; every reading is fresh (the clock moves a second per call). */
    private final AtomicLong free = new AtomicLong(500 * MIB);

    private final AtomicLong clock = new AtomicLong();

    private DatabaseDiskSpace disk(Path directory) {
        return new DatabaseDiskSpace(directory, 256 * MIB, free::get, () -> clock.addAndGet(1_000_000_000L));
    }

    private static ObjectProvider<DatabaseDiskSpace> provider(DatabaseDiskSpace disk) {
        return new StaticListableBeanFactory(Map.of("databaseDiskSpace", disk))
                .getBeanProvider(DatabaseDiskSpace.class);
    }

    @Test
    void aPooledH2ConnectionWhoseDatabaseClosedIsDropped() {
        var eviction = new EmbeddedDatabaseReopening.ClosedDatabaseEviction(null);

        // What every older connection answers once a failed write (a full disk) closed the database.
        assertThat(eviction.adjudicate(new SQLException("The database has been closed", "90098", 90098)))
                .isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
        assertThat(eviction.adjudicate(new SQLException("Database is already closed", "90121", 90121)))
                .isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
        // Anything else is left to the pool's own judgement (a constraint violation keeps its connection).
        assertThat(eviction.adjudicate(new SQLException("Unique index or primary key violation", "23505", 23505)))
                .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
    }

    @Test
    void onlyEmbeddedPoolsWithoutAnOverrideOfTheirOwnGetIt() {
        EmbeddedDatabaseReopening reopening = new EmbeddedDatabaseReopening(provider(disk(Path.of("data"))));
        try (HikariDataSource h2 = pool("jdbc:h2:file:./data/trainyard");
                HikariDataSource postgres = pool("jdbc:postgresql://localhost/trainyard");
                HikariDataSource chosen = pool("jdbc:h2:mem:x")) {
            SQLExceptionOverride own = new SQLExceptionOverride() {};
            chosen.setExceptionOverride(own);

            reopening.postProcessBeforeInitialization(h2, "dataSource");
            reopening.postProcessBeforeInitialization(postgres, "dataSource");
            reopening.postProcessBeforeInitialization(chosen, "dataSource");

            assertThat(h2.getExceptionOverride()).isInstanceOf(EmbeddedDatabaseReopening.ClosedDatabaseEviction.class);
            assertThat(h2.getDataSource()).isInstanceOf(EmbeddedDatabaseReopening.ReopeningGate.class);
            assertThat(h2.getJdbcUrl()).as("still the pool's URL").isEqualTo("jdbc:h2:file:./data/trainyard");
            assertThat(postgres.getExceptionOverride()).isNull();
            assertThat(postgres.getDataSource()).isNull();
            assertThat(chosen.getExceptionOverride()).isSameAs(own);
            assertThat(chosen.getDataSource()).isNull();
        }
    }

    @Test
    void aDatabaseThatClosedItselfIsNotOpenedAgainWhileItsDiskIsShort() throws SQLException {
        Connections connections = new Connections();
        var gate = new EmbeddedDatabaseReopening.ReopeningGate(
                connections, () -> disk(Path.of("/srv/trainyard")), clock::get);
        var eviction = new EmbeddedDatabaseReopening.ClosedDatabaseEviction(gate);
        free.set(MIB);

        gate.getConnection();
        assertThat(connections.opened)
                .as("an open database is not held back: the pool renews its connections")
                .hasValue(1);

        // The failed write itself, as H2 reports it (its connection stays: the pool sees 90098 next).
        SQLException failedWrite = DbException.convert(DataUtils.newMVStoreException(
                        DataUtils.ERROR_WRITING_FAILED,
                        "Writing to {0} failed; length {1} at {2}",
                        "channel",
                        4096,
                        0,
                        new IOException("No space left on device")))
                .getSQLException();
        assertThat(eviction.adjudicate(failedWrite)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        assertThat(gate.isClosed()).isTrue();

        assertThatThrownBy(gate::getConnection)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("not opened again")
                .hasMessageContaining("/srv/trainyard")
                .hasMessageContaining("1.0 MiB");
        assertThatThrownBy(() -> gate.getConnection("sa", "")).isInstanceOf(SQLTransientConnectionException.class);
        assertThat(connections.opened).as("nothing reached the database").hasValue(1);

        free.set(300 * MIB);
        gate.getConnection();
        assertThat(connections.opened).hasValue(2);
        assertThat(gate.isClosed()).isFalse();

        free.set(MIB);
        gate.getConnection();
        assertThat(connections.opened).as("open again: nothing is held back").hasValue(3);
    }

    @Test
    void aConstraintViolationSaysNothingAboutTheDatabase() {
        var gate = new EmbeddedDatabaseReopening.ReopeningGate(new Connections(), () -> null, clock::get);
        new EmbeddedDatabaseReopening.ClosedDatabaseEviction(gate)
                .adjudicate(new SQLException("Unique index or primary key violation", "23505", 23505));

        assertThat(gate.isClosed()).isFalse();
    }

    /**
     * H2 itself on a disk that fills up (its writes fail with "No space left on device"), through the
     * pool as the service configures it: the failed write closes the database, and the pool does not
     * open it again until the guard reads enough room, although by then the file system would take the
     * writes. Before, the next connection opened the database again while the disk was still full.
     */
    @Test
    void h2OnAFullDiskStaysClosedUntilTheGuardReadsRoomAndThenHasEverythingCommittedBefore()
            throws IOException, SQLException {
        FullDiskFileSystem.register();
        Path directory = Files.createTempDirectory("trainyard-full-disk");
        try (HikariDataSource pool = pool(FullDiskFileSystem.url(directory, "trainyard") + ";WRITE_DELAY=0")) {
            pool.setMaximumPoolSize(1);
            pool.setConnectionTimeout(250);
            pool.setValidationTimeout(250);
            new EmbeddedDatabaseReopening(provider(disk(directory)))
                    .postProcessBeforeInitialization(pool, "dataSource");
            execute(pool, "create table jobs (id int primary key)", "insert into jobs values (1)");

            FullDiskFileSystem.fill(directory);
            free.set(0);
            assertThatThrownBy(() -> execute(pool, "insert into jobs values (2)"))
                    .as("the write that found the disk full")
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(50000);
                        assertThat(DatabaseFailures.isStorageFailure(e)).isTrue();
                    });
            assertThatThrownBy(() -> execute(pool, "select count(*) from jobs"))
                    .as("the pooled connection to the closed database, then dropped")
                    .isInstanceOfSatisfying(
                            SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(90098));

            // The file system would take writes again, but the guard does not read room yet.
            FullDiskFileSystem.makeRoom(directory);
            assertThatThrownBy(pool::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasStackTraceContaining("is not opened again")
                    .satisfies(timeout -> assertThat(DatabaseFailures.isStorageFailure(timeout))
                            .as("answered as a database that cannot store anything")
                            .isTrue());

            free.set(300 * MIB);
            try (Connection connection = pool.getConnection();
                    Statement statement = connection.createStatement()) {
                var rows = statement.executeQuery("select count(*) from jobs");
                rows.next();
                assertThat(rows.getInt(1))
                        .as("the row committed before the disk filled")
                        .isEqualTo(1);
                statement.execute("insert into jobs values (3)");
            }
        } finally {
            FullDiskFileSystem.makeRoom(directory);
        }
    }

    private static void execute(DataSource pool, String... statements) throws SQLException {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("sa");
        pool.setPassword("");
        return pool;
    }

    /** Counts the connections the gate lets through; each is a stand-in that is never used. */
    private static final class Connections extends AbstractDataSource {

        final AtomicInteger opened = new AtomicInteger();

        @Override
        public Connection getConnection() {
            opened.incrementAndGet();
            return null;
        }

        @Override
        public Connection getConnection(String username, String password) {
            return getConnection();
        }
    }
}
