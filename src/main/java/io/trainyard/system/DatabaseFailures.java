package io.trainyard.system;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a failure to reach the database (stopped, restarted, cut off, a connection reset by a
 * failover or a pooler, the pool's wait for a connection run out, a lock or serialisation
 * conflict, an embedded database that could not write its file or closed itself after such a write)
 * from an error that would happen again on the next try (a constraint violation, bad SQL, a bug). The
 * first kind says nothing about the work that was being stored: it is retried, or the work is left to
 * be resumed, but it must never become a verdict on a job; and a request that meets it is answered
 * {@code 503} with {@code Retry-After} by the problem advice, not {@code 500}.
 */
public final class DatabaseFailures {

    /**
     * PostgreSQL's "terminating connection due to administrator command" ({@code pg_terminate_backend},
     * a fast shutdown), crash shutdown and "the database system is starting up / shutting down".
     */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

    /** H2's {@code MVStoreException}: named, not imported, because H2 is a runtime dependency only. */
    private static final String H2_STORE_EXCEPTION = "org.h2.mvstore.MVStoreException";

    /**
     * H2's store error codes ({@code org.h2.mvstore.DataUtils}) that mean its file could not be read
     * or written, or that the store closed itself after that: ERROR_READING_FAILED,
     * ERROR_WRITING_FAILED, ERROR_CLOSED. Not ERROR_FILE_CORRUPT, ERROR_INTERNAL and the rest, which
     * a retry would meet again.
     */
    private static final Set<Integer> H2_STORAGE_ERRORS = Set.of(1, 2, 4);

    /**
     * H2's DATABASE_IS_CLOSED: what every statement gets once a failed write closed the database (not
     * DATABASE_CALLED_AT_SHUTDOWN, 90121, which a stop of the instance gives too).
     */
    private static final int H2_DATABASE_IS_CLOSED = 90098;

    /** The operating system's words for a full disk or an exhausted quota (ENOSPC, EDQUOT). */
    private static final List<String> NO_ROOM = List.of("No space left on device", "Disk quota exceeded");

    private DatabaseFailures() {}

    /** True when {@code failure}, or anything it wraps, says the database could not be reached or must be asked again. */
    public static boolean isTransient(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null) {
                // The rollback failed after something else went wrong: that first failure decides
                // (a bug whose rollback then also failed is still a bug).
                return isTransient(rollback.getApplicationException());
            }
            if (t instanceof TransientDataAccessException
                    || t instanceof RecoverableDataAccessException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof CannotCreateTransactionException
                    || t instanceof TransactionSystemException
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException
                    || (t instanceof SQLException sql && connectionLost(sql))
                    || storageFailed(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code failure}, or anything it wraps, says the embedded database could not write (or
     * read) its file, or closed itself after such a write: a full disk ("No space left on device"), a
     * failing one, a store that panicked. H2 reports a failed write as its general error 50000 (or
     * 90028) around an {@code MVStoreException} "Writing to … failed", which Spring cannot classify
     * (an {@code UncategorizedSQLException}); every later statement gets "The database has been closed"
     * (90098). A part of {@link #isTransient}: nothing is wrong with the request or the job, the disk
     * needs room.
     */
    public static boolean isStorageFailure(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (storageFailed(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean storageFailed(Throwable t) {
        if (H2_STORE_EXCEPTION.equals(t.getClass().getName())) {
            return H2_STORAGE_ERRORS.contains(h2StoreErrorCode(t.getMessage()));
        }
        if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IS_CLOSED) {
            return true;
        }
        if (t instanceof EmbeddedDatabaseReopening.HeldClosed) {
            return true; // closed after such a write, and kept closed until the disk has room
        }
        return t instanceof IOException io
                && io.getMessage() != null
                && NO_ROOM.stream().anyMatch(io.getMessage()::contains);
    }

    /**
     * The code H2 puts at the end of a store exception's message ("Writing to … failed; length 4096 at
     * 0 [2.4.240/2]"), read as H2's own {@code DataUtils.getErrorCode} reads it; 0 when there is none.
     */
    static int h2StoreErrorCode(String message) {
        if (message == null || !message.endsWith("]")) {
            return 0;
        }
        int slash = message.lastIndexOf('/');
        if (slash < 0 || slash > message.length() - 3 || message.length() - slash > 12) {
            return 0;
        }
        try {
            return Integer.parseInt(message, slash + 1, message.length() - 1, 10);
        } catch (NumberFormatException notACode) {
            return 0;
        }
    }

    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return (state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state)))
                || EmbeddedDatabaseReopening.ClosedDatabaseEviction.CLOSED.contains(e.getErrorCode());
    }
}
