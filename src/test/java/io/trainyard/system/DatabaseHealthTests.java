package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database is reported gone when a check fails or waits too long for an answer, never because the
 * process itself stood still between two checks.
 */
class DatabaseHealthTests {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-03T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final JdbcClient jdbc = mock(JdbcClient.class, RETURNS_DEEP_STUBS);

    @Test
    void aPauseBetweenChecksIsNoOutage() {
        when(jdbc.sql("select 1").query(Integer.class).single()).thenReturn(1);
        DatabaseHealth health = new DatabaseHealth(jdbc, clock);
        health.check();

        // A JVM stopped for a minute, or a virtual machine taken off its host's CPU: no check ran.
        clock.advance(Duration.ofMinutes(1));

        assertThat(health.outage()).isEmpty();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aCheckWaitingLongerThanTheLimitIsAnOutageUntilItIsAnswered() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        when(jdbc.sql("select 1").query(Integer.class).single()).thenAnswer(call -> {
            asked.countDown();
            assertThat(answer.await(30, TimeUnit.SECONDS)).isTrue();
            return 1;
        });
        DatabaseHealth health = new DatabaseHealth(jdbc, clock);
        Thread checker = new Thread(health::check);
        checker.start();
        assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();

        clock.advance(DatabaseHealth.STALE_AFTER);
        assertThat(health.outage()).as("waited exactly the limit").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(health.outage())
                .get()
                .extracting(Throwable::getMessage)
                .isEqualTo("the database has not answered its health check for 6 s");
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

        answer.countDown();
        checker.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(checker.isAlive()).isFalse();
        assertThat(health.outage()).isEmpty();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aFailedCheckIsAnOutageAtOnceWithItsCause() {
        DataAccessResourceFailureException refused = new DataAccessResourceFailureException("connection refused");
        when(jdbc.sql("select 1").query(Integer.class).single()).thenThrow(refused);
        DatabaseHealth health = new DatabaseHealth(jdbc, clock);

        health.check();

        assertThat(health.outage()).get().extracting(Throwable::getCause).isSameAs(refused);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }
}
