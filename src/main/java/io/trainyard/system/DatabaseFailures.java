package io.trainyard.system;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a failure to reach the database (stopped, restarted, cut off, a connection reset by a
 * failover or a pooler, the pool's wait for a connection run out, a lock or serialisation
 * conflict) from an error that would happen again on the next try (a constraint violation, bad
 * SQL, a bug). The first kind says nothing about the work that was being stored: it is retried,
 * or the work is left to be resumed, but it must never become a verdict on a job. The same
 * classes that the problem advice answers {@code 503} for, plus what they wrap.
 */
public final class DatabaseFailures {

    /**
     * PostgreSQL's "terminating connection due to administrator command" ({@code pg_terminate_backend},
     * a fast shutdown), crash shutdown and "the database system is starting up / shutting down".
     */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

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
                    || (t instanceof SQLException sql && connectionLost(sql))) {
                return true;
            }
        }
        return false;
    }

    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return (state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state)))
                || EmbeddedDatabaseReopening.ClosedDatabaseEviction.CLOSED.contains(e.getErrorCode());
    }
}
