package io.trainyard.system;

import java.sql.SQLException;
import java.util.Set;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Lets an instance on the embedded H2 database recover from a database that closed itself. H2 closes
 * a database whose write failed (a full disk: "No space left on device"); from then on every
 * connection opened before answers "The database has been closed", while a new connection opens the
 * database again from its file, which holds everything committed. The pool does not know those
 * answers mean a dead connection (it only drops connections on SQLSTATE class 08 and a few vendor
 * codes), and the embedded connection still passes the pool's validity check, so without this every
 * request answered 503 until the instance was restarted, long after the disk had room again, and
 * liveness stayed UP. With it, each such connection is dropped when it reports that, and the next
 * one opens the database again (while the disk is still full, its first failed write closes it
 * again, and requests keep getting 503 with Retry-After).
 *
 * <p>Not applied to PostgreSQL, whose dead sessions the pool recognises already, nor when the
 * operator chose an override of their own.
 */
@Component
class EmbeddedDatabaseReopening implements BeanPostProcessor {

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool
                && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:h2:")
                && pool.getExceptionOverride() == null
                && pool.getExceptionOverrideClassName() == null) {
            pool.setExceptionOverride(new ClosedDatabaseEviction());
        }
        return bean;
    }

    /** Drops a pooled H2 connection whose database was closed under it. */
    static final class ClosedDatabaseEviction implements SQLExceptionOverride {

        /** H2's DATABASE_IS_CLOSED (closed after a failed write) and DATABASE_CALLED_AT_SHUTDOWN. */
        static final Set<Integer> CLOSED = Set.of(90098, 90121);

        @java.lang.Override // (Override alone names the verdict type inherited from SQLExceptionOverride)
        public Override adjudicate(SQLException e) {
            return CLOSED.contains(e.getErrorCode()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    }
}
