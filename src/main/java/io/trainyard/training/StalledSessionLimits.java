package io.trainyard.training;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

import io.trainyard.system.TrainyardProperties;

/**
 * On a shared PostgreSQL, bounds what a paused instance can hold up. An instance frozen (a long GC
 * pause, {@code SIGSTOP}, a suspended VM) in the middle of a fenced transaction keeps its job's row
 * locked; the recovery of its expired claim would wait behind that lock for as long as the pause
 * lasts, and with it the heartbeat thread of the instance recovering it, which then renews nothing
 * (seen in {@code ClusterTests}: a takeover that never came). So every pooled session, unless the
 * operator set {@code connection-init-sql} already:
 *
 * <ul>
 *   <li>ends a transaction left idle for {@code heartbeat-timeout}: the server rolls it back and
 *       closes the session, which releases the lock; the paused worker, when it wakes, finds its
 *       connection gone, its retry finds the claim taken, and it stops having written nothing;
 *   <li>gives up waiting for a row lock after the same time, so a blocked recovery fails and is
 *       tried again at the next heartbeat instead of hanging.
 * </ul>
 *
 * <p>Not needed on the embedded H2 database: only one process can open it.
 */
@Component
class StalledSessionLimits implements BeanPostProcessor {

    // A post-processor is created before most beans: the properties are looked up only when the pool is.
    private final ObjectProvider<TrainyardProperties> properties;

    StalledSessionLimits(ObjectProvider<TrainyardProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool
                && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:postgresql:")
                && pool.getConnectionInitSql() == null) {
            pool.setConnectionInitSql(
                    initSql(properties.getObject().heartbeatTimeout().toMillis()));
        }
        return bean;
    }

    static String initSql(long timeoutMillis) {
        return "SET idle_in_transaction_session_timeout = " + timeoutMillis + "; SET lock_timeout = " + timeoutMillis;
    }
}
