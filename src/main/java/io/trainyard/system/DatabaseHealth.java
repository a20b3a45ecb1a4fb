package io.trainyard.system;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * DOWN while the database cannot be reached, so an instance whose PostgreSQL is stopped or cut off
 * leaves the load balancer (it is part of the readiness group) and comes back once it answers again;
 * liveness stays UP, since restarting the instance would not bring the database back.
 *
 * <p>The check runs on its own thread every {@link #INTERVAL} and a probe only reads its latest
 * outcome: asking the database from the probe itself would hold the probe for the pool's whole
 * connection timeout (30 s) exactly when the database is gone, as Spring Boot's {@code db} indicator
 * does (which is why that one is switched off). It is DOWN when the latest check failed or none has
 * succeeded for {@link #STALE_AFTER} (a check still waiting for a connection).
 *
 * <p>API requests read the same outcome ({@link DatabaseReachability}, {@code security/DatabaseOutageGate}):
 * while it is DOWN they are answered 503 at once, where each waited for the pool's connection timeout.
 */
@Component("database")
class DatabaseHealth implements HealthIndicator, DatabaseReachability, DisposableBean {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration STALE_AFTER = Duration.ofSeconds(5);

    private final JdbcClient jdbc;
    private final ScheduledExecutorService checker =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-database-check"));
    // Written by the checker thread, read by probes.
    private volatile Instant lastSuccess;
    private volatile RuntimeException lastFailure;

    DatabaseHealth(JdbcClient jdbc) {
        this.jdbc = jdbc;
        // The schema migrations have just run against it: reachable at start.
        this.lastSuccess = Instant.now();
        checker.scheduleWithFixedDelay(this::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    void check() {
        try {
            jdbc.sql("select 1").query(Integer.class).single();
            lastSuccess = Instant.now();
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e;
        }
    }

    @Override
    public Health health() {
        Duration since = Duration.between(lastSuccess, Instant.now());
        RuntimeException failure = lastFailure;
        if (failure == null && since.compareTo(STALE_AFTER) <= 0) {
            return Health.up().build();
        }
        return Health.down()
                .withDetail("lastSuccess", lastSuccess.toString())
                .withDetail(
                        "error",
                        failure == null
                                ? "no answer for " + since.toSeconds() + " s"
                                : failure.getClass().getSimpleName())
                .build();
    }

    @Override
    public Optional<DataAccessResourceFailureException> outage() {
        Duration since = Duration.between(lastSuccess, Instant.now());
        RuntimeException failure = lastFailure;
        if (failure == null && since.compareTo(STALE_AFTER) <= 0) {
            return Optional.empty();
        }
        // The check's failure as the cause: a database closed for want of disk space is then answered as
        // such (DatabaseFailures.isStorageFailure), with its longer Retry-After.
        return Optional.of(new DataAccessResourceFailureException(
                failure == null
                        ? "the database has not answered its health check for " + since.toSeconds() + " s"
                        : "the database's latest health check failed",
                failure));
    }

    @Override
    public void destroy() {
        checker.shutdownNow();
    }
}
