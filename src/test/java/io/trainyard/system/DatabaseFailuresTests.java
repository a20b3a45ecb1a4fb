package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
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

    /**
     * What H2 throws on a full disk, as built by H2 itself: the failed write as its general error 50000
     * around the store's "Writing to … failed" (the audit's 500s, from the key look-up and a job read),
     * the same as 90028, and every later statement's "The database has been closed".
     */
    @Test
    void h2sWriteFailuresOnAFullDiskAreTheDatabaseOutOfReach() {
        MVStoreException writing = DataUtils.newMVStoreException(
                DataUtils.ERROR_WRITING_FAILED,
                "Writing to {0} failed; length {1} at {2}",
                "sun.nio.ch.FileChannelImpl@66f66866",
                4096,
                28672,
                new IOException("No space left on device"));
        SQLException general = DbException.convert(writing).getSQLException();
        SQLException io = DbException.get(ErrorCode.IO_EXCEPTION_1, writing, "trainyard.mv.db")
                .getSQLException();
        SQLException closed = DbException.get(ErrorCode.DATABASE_IS_CLOSED, writing, "trainyard.mv.db")
                .getSQLException();
        // Spring's error codes for H2 say nothing of 50000, so JdbcTemplate (under JdbcClient) wraps it
        // as an UncategorizedSQLException: what reached the problem advice as a 500.
        assertThat(new SQLErrorCodeSQLExceptionTranslator("H2").translate("findActiveByHash", "SELECT …", general))
                .isNull();
        UncategorizedSQLException asTheRepositoriesSeeIt =
                new UncategorizedSQLException("findActiveByHash", "SELECT …", general);

        assertThat(general.getErrorCode()).isEqualTo(ErrorCode.GENERAL_ERROR_1);
        assertThat(general.getMessage())
                .contains("MVStoreException: Writing to")
                .contains("failed");
        for (Throwable failure : List.of(writing, general, io, closed, asTheRepositoriesSeeIt)) {
            assertThat(DatabaseFailures.isTransient(failure))
                    .as(failure.toString())
                    .isTrue();
            assertThat(DatabaseFailures.isStorageFailure(failure))
                    .as(failure.toString())
                    .isTrue();
        }
        assertThat(DatabaseFailures.isStorageFailure(
                        new IllegalStateException("checkpoint not stored", new IOException("No space left on device"))))
                .as("the operating system's full disk, however it is wrapped")
                .isTrue();
        // A store that panicked and closed, reported by the store itself.
        assertThat(DatabaseFailures.isStorageFailure(
                        DataUtils.newMVStoreException(DataUtils.ERROR_CLOSED, "This store is closed", writing)))
                .isTrue();
    }

    /** Only H2's failures to read or write its file: a general error for anything else is still a bug. */
    @Test
    void h2sOtherErrorsAreNot() {
        SQLException bugInside = DbException.convert(new NullPointerException()).getSQLException();
        MVStoreException corrupt =
                DataUtils.newMVStoreException(DataUtils.ERROR_FILE_CORRUPT, "File corrupted in chunk {0}", 7);
        MVStoreException internal = DataUtils.newMVStoreException(DataUtils.ERROR_INTERNAL, "Internal error");

        assertThat(bugInside.getErrorCode()).isEqualTo(ErrorCode.GENERAL_ERROR_1);
        for (Throwable failure : List.of(
                bugInside,
                DbException.convert(corrupt).getSQLException(),
                DbException.convert(internal).getSQLException(),
                new IOException("Permission denied"))) {
            assertThat(DatabaseFailures.isTransient(failure))
                    .as(failure.toString())
                    .isFalse();
            assertThat(DatabaseFailures.isStorageFailure(failure))
                    .as(failure.toString())
                    .isFalse();
        }
        assertThat(DatabaseFailures.isStorageFailure(new SQLException("Database is already closed", "90121", 90121)))
                .as("a stop of the instance is no disk trouble (but still transient)")
                .isFalse();
    }

    @Test
    void theStoreErrorCodeIsReadAsH2ReadsIt() {
        assertThat(DatabaseFailures.h2StoreErrorCode("Writing to x failed; length 4096 at 0 [2.4.240/2]"))
                .isEqualTo(2);
        assertThat(DatabaseFailures.h2StoreErrorCode("This store is closed [2.4.240/4]"))
                .isEqualTo(4);
        assertThat(DatabaseFailures.h2StoreErrorCode("no code")).isZero();
        assertThat(DatabaseFailures.h2StoreErrorCode("a/b]")).isZero();
        assertThat(DatabaseFailures.h2StoreErrorCode("[2.4.240/]")).isZero();
        assertThat(DatabaseFailures.h2StoreErrorCode(null)).isZero();
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
