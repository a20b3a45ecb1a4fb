package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;

class EmbeddedDatabaseReopeningTests {

    private final EmbeddedDatabaseReopening reopening = new EmbeddedDatabaseReopening();

    @Test
    void aPooledH2ConnectionWhoseDatabaseClosedIsDropped() {
        var eviction = new EmbeddedDatabaseReopening.ClosedDatabaseEviction();

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
        try (HikariDataSource h2 = pool("jdbc:h2:file:./data/trainyard");
                HikariDataSource postgres = pool("jdbc:postgresql://localhost/trainyard");
                HikariDataSource chosen = pool("jdbc:h2:mem:x")) {
            SQLExceptionOverride own = new SQLExceptionOverride() {};
            chosen.setExceptionOverride(own);

            reopening.postProcessBeforeInitialization(h2, "dataSource");
            reopening.postProcessBeforeInitialization(postgres, "dataSource");
            reopening.postProcessBeforeInitialization(chosen, "dataSource");

            assertThat(h2.getExceptionOverride()).isInstanceOf(EmbeddedDatabaseReopening.ClosedDatabaseEviction.class);
            assertThat(postgres.getExceptionOverride()).isNull();
            assertThat(chosen.getExceptionOverride()).isSameAs(own);
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }
}
