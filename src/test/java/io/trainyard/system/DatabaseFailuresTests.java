package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** What a worker may leave to recovery (the database was out of reach) and what must still fail its job. */
class DatabaseFailuresTests {

    @Test
    void theDatabaseOutOfReachIsTransientHoweverDeeplyItIsWrapped() {
        SQLException terminated = new SQLException("terminating connection due to administrator command", "57P01");
        SQLException reset = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed", reset);

        assertThat(DatabaseFailures.isTransient(new CannotCreateTransactionException("Could not open JDBC Connection")))
                .isTrue();
        assertThat(DatabaseFailures.isTransient(new CannotGetJdbcConnectionException("pool timeout")))
                .isTrue();
        assertThat(DatabaseFailures.isTransient(new QueryTimeoutException("lock timeout")))
                .isTrue();
        assertThat(DatabaseFailures.isTransient(rollback)).isTrue();
        assertThat(DatabaseFailures.isTransient(new UncategorizedSQLException("insert", "INSERT", terminated)))
                .isTrue();
        assertThat(DatabaseFailures.isTransient(
                        new IllegalStateException("history not stored", new ExecutionException(rollback))))
                .as("a history batch that failed, as the runner sees it")
                .isTrue();
        assertThat(DatabaseFailures.isTransient(new SQLException("The database has been closed", "90098", 90098)))
                .as("H2 closed after a failed write")
                .isTrue();
    }

    @Test
    void aBugOrADataErrorIsNot() {
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");
        TransactionSystemException rollbackAfterBug =
                new TransactionSystemException("JDBC rollback failed", new SQLException("closed", "08003"));
        rollbackAfterBug.initApplicationException(new NullPointerException());

        assertThat(DatabaseFailures.isTransient(new NullPointerException())).isFalse();
        assertThat(DatabaseFailures.isTransient(new DataIntegrityViolationException("duplicate", duplicate)))
                .isFalse();
        assertThat(DatabaseFailures.isTransient(new IllegalStateException("history not stored", duplicate)))
                .isFalse();
        assertThat(DatabaseFailures.isTransient(rollbackAfterBug))
                .as("the failure the rollback followed decides")
                .isFalse();
    }
}
