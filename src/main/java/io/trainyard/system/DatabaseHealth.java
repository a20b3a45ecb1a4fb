package io.trainyard.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
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
 * does (which is why that one is switched off). It is DOWN when the latest check failed or the check
 * in progress has waited {@link #STALE_AFTER} for an answer (for a connection, or for the database).
 *
 * <p>Not "no success for {@link #STALE_AFTER}": a process that was paused (a stopped JVM, a virtual
 * machine taken off its host's CPU for seconds, as seen in a benchmark here) ran no check while it
 * stood still, and its first requests after the pause were refused with 503 although the database had
 * never been away (docs/benchmarks.md, session 38). A pause between checks says nothing of the
 * database; only a check that waits does.
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
    private final Clock clock;
    // Written by the checker thread, read by probes.
    private volatile Instant lastSuccess;
    private volatile RuntimeException lastFailure;
    /** When the check in progress began; null between checks. */
    private volatile Instant checking;

    @Autowired
    DatabaseHealth(JdbcClient jdbc) {
        this(jdbc, Clock.systemUTC());
        checker.scheduleWithFixedDelay(this::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Unscheduled: the tests call {@link #check} themselves, on their own clock. */
    DatabaseHealth(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        // The schema migrations have just run against it: reachable at start.
        this.lastSuccess = clock.instant();
    }

    void check() {
        checking = clock.instant();
        try {
            jdbc.sql("select 1").query(Integer.class).single();
            lastSuccess = clock.instant();
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e;
        } finally {
            checking = null;
        }
    }

    /** How long the check in progress has waited for the database; zero between checks. */
    private Duration unanswered() {
        Instant started = checking;
        return started == null ? Duration.ZERO : Duration.between(started, clock.instant());
    }

    @Override
    public Health health() {
        Duration since = unanswered();
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
        Duration since = unanswered();
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
