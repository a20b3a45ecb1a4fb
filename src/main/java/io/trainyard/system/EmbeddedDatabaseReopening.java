package io.trainyard.system;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.util.DriverDataSource;

/**
 * Lets an instance on the embedded H2 database recover from a database that closed itself, once its
 * disk has room again. H2 closes a database whose write failed (a full disk: "No space left on
 * device"); from then on every connection opened before answers "The database has been closed",
 * while a new connection opens the database again from its file. The pool does not know those
 * answers mean a dead connection (it only drops connections on SQLSTATE class 08 and a few vendor
 * codes), and the embedded connection still passes the pool's validity check, so without the eviction
 * here every request answered 503 until the instance was restarted, long after the disk had room
 * again, and liveness stayed UP. With it, each such connection is dropped when it reports that, and
 * the next one opens the database again.
 *
 * <p>But not while the disk is still short of room ({@link DatabaseDiskSpace}, {@code
 * trainyard.limits.min-free-disk}): a database opened again on a full disk acknowledged commits it
 * could not keep, and the next time it closed itself they were gone (an audit saw a job answered 202,
 * trained, logged {@code SUCCEEDED} and then not found). So once a connection has reported the
 * database closed, or a write that failed for want of room, the pool's next connection waits: the
 * pool keeps trying (requests meanwhile wait for a connection up to the pool's timeout and are
 * answered 503), and a line in the log says why every {@link #WAITING_LOG_INTERVAL}, until the disk
 * has the minimum free.
 *
 * <p>Not applied to PostgreSQL, whose dead sessions the pool recognises already, nor when the
 * operator chose an override or a data source of their own.
 */
@Component
class EmbeddedDatabaseReopening implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseReopening.class);

    /** How often a database kept closed for want of room says so. */
    static final Duration WAITING_LOG_INTERVAL = Duration.ofSeconds(30);

    private final ObjectProvider<DatabaseDiskSpace> disk;

    EmbeddedDatabaseReopening(ObjectProvider<DatabaseDiskSpace> disk) {
        this.disk = disk;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool
                && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:h2:")
                && pool.getExceptionOverride() == null
                && pool.getExceptionOverrideClassName() == null) {
            ReopeningGate gate = null;
            if (pool.getDataSource() == null && pool.getDataSourceClassName() == null) {
                // The connections the pool would open itself, opened through the gate.
                gate = new ReopeningGate(
                        new DriverDataSource(
                                pool.getJdbcUrl(),
                                pool.getDriverClassName(),
                                pool.getDataSourceProperties(),
                                pool.getUsername(),
                                pool.getPassword()),
                        disk::getIfAvailable,
                        System::nanoTime);
                pool.setDataSource(gate);
            }
            pool.setExceptionOverride(new ClosedDatabaseEviction(gate));
        }
        return bean;
    }

    /** Drops a pooled H2 connection whose database was closed under it, and tells the gate. */
    static final class ClosedDatabaseEviction implements SQLExceptionOverride {

        /** H2's DATABASE_IS_CLOSED (closed after a failed write) and DATABASE_CALLED_AT_SHUTDOWN. */
        static final Set<Integer> CLOSED = Set.of(90098, 90121);

        private final ReopeningGate gate;

        /** @param gate told when the database closed itself; null when there is none */
        ClosedDatabaseEviction(ReopeningGate gate) {
            this.gate = gate;
        }

        @java.lang.Override // (Override alone names the verdict type inherited from SQLExceptionOverride)
        public Override adjudicate(SQLException e) {
            boolean closed = CLOSED.contains(e.getErrorCode());
            if (gate != null && (closed || DatabaseFailures.isStorageFailure(e))) {
                // A write that failed closes the store: the next connection would open it again.
                gate.closed();
            }
            return closed ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    }

    /**
     * A connection not made because it would open the database again on a disk short of room. Class
     * 08: the pool reports it as a connection that could not be made (the cause of its timeout), and
     * Spring as a database out of reach; {@link DatabaseFailures#isStorageFailure} knows it, so the
     * answer says the database cannot store anything rather than "try again in a few seconds".
     */
    static final class HeldClosed extends SQLTransientConnectionException {

        HeldClosed(String message) {
            super(message, "08001");
        }
    }

    /**
     * Opens the pool's connections, except, after the database closed itself, while its disk has less
     * than the minimum free: a new connection would open the database again there. Only a database seen
     * closed is held back: while it is open, a new connection opens nothing, and holding those back
     * would starve the pool of the connections it renews (reads and running jobs need them).
     */
    static final class ReopeningGate implements DataSource {

        private final DataSource connections;
        private final Supplier<DatabaseDiskSpace> disk;
        private final LongSupplier nanoTime;
        private final Object lock = new Object();
        // Guarded by lock.
        private long closedAt;
        private boolean closed;
        private long loggedAt;

        ReopeningGate(DataSource connections, Supplier<DatabaseDiskSpace> disk, LongSupplier nanoTime) {
            this.connections = connections;
            this.disk = disk;
            this.nanoTime = nanoTime;
        }

        /**
         * The database closed itself (or a write to it failed): the next connection would reopen it. A
         * connection left over from before a reopening may still report the old closing; the flag it
         * raises again is lowered by the next connection opened, which the pool makes at once to
         * replace the one it drops, and holds nothing back while the disk has room.
         */
        void closed() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    closedAt = nanoTime.getAsLong();
                    loggedAt = 0;
                }
            }
        }

        /** Whether a connection opened now would open the database again. */
        boolean isClosed() {
            synchronized (lock) {
                return closed;
            }
        }

        @Override
        public Connection getConnection() throws SQLException {
            long since = admit();
            Connection connection = connections.getConnection();
            opened(since);
            return connection;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            long since = admit();
            Connection connection = connections.getConnection(username, password);
            opened(since);
            return connection;
        }

        /**
         * @return when the database closed, if this connection reopens it; -1 when it is open
         * @throws HeldClosed while it is closed and its disk short of room
         */
        private long admit() throws SQLException {
            long since;
            synchronized (lock) {
                if (!closed) {
                    return -1;
                }
                since = closedAt;
            }
            DatabaseDiskSpace space = spaceOrNull();
            if (space == null || space.hasRoom()) {
                return since;
            }
            String waiting = "The embedded database closed itself after a failed write and is not opened again "
                    + "while the disk that holds it (" + space.directory() + ") has less than "
                    + "trainyard.limits.min-free-disk free: it has " + DatabaseDiskSpace.size(space.freeBytes())
                    + ", at least " + DatabaseDiskSpace.size(space.minFreeBytes()) + " is needed";
            long now = nanoTime.getAsLong();
            boolean say;
            synchronized (lock) {
                say = loggedAt == 0 || now - loggedAt >= WAITING_LOG_INTERVAL.toNanos();
                if (say) {
                    loggedAt = now == 0 ? 1 : now;
                }
            }
            if (say) {
                log.warn(
                        "{} (closed {} s ago); requests are answered 503 until then",
                        waiting,
                        Duration.ofNanos(now - since).toSeconds());
            }
            throw new HeldClosed(waiting);
        }

        private void opened(long since) {
            if (since < 0) {
                return;
            }
            boolean reopened;
            synchronized (lock) {
                reopened = closed && closedAt == since;
                if (reopened) {
                    closed = false;
                }
            }
            if (reopened) {
                log.info(
                        "The embedded database was opened again, {} s after it closed itself",
                        Duration.ofNanos(nanoTime.getAsLong() - since).toSeconds());
            }
        }

        private DatabaseDiskSpace spaceOrNull() {
            try {
                return disk.get();
            } catch (RuntimeException notThere) {
                // The context is still starting or already closing: nothing to wait for then.
                return null;
            }
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return connections.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            connections.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            connections.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return connections.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return connections.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            return connections.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(this) || connections.isWrapperFor(type);
        }
    }
}
