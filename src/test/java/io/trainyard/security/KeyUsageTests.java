package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * {@code lastUsedAt} written off the request thread: kept and tried again while the database is gone,
 * not tried while the readiness check finds it gone, dropped when the write fails for another reason.
 */
class KeyUsageTests {

    private static final Duration RETRY = Duration.ofMillis(50);

    private final KeyRepository repository = mock(KeyRepository.class);
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    private volatile Optional<DataAccessResourceFailureException> outage = Optional.empty();
    private final KeyUsage usage = new KeyUsage(
            repository,
            new AuthProperties(true, "", Duration.ofSeconds(5), Duration.ofMinutes(1)),
            () -> outage,
            writer,
            RETRY);

    @AfterEach
    void stop() {
        writer.shutdownNow();
    }

    @Test
    void aUseThatMeetsTheDatabaseGoneIsWrittenOnceItAnswersWithTheTimeOfTheUse() throws Exception {
        willThrow(new CannotGetJdbcConnectionException("Connection is not available"))
                .willDoNothing()
                .given(repository)
                .touch(eq("id-user"), any());
        Instant before = Instant.now();

        usage.used("id-user");

        ArgumentCaptor<Instant> written = ArgumentCaptor.forClass(Instant.class);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> verify(repository, times(2)).touch(eq("id-user"), written.capture()));
        assertThat(written.getAllValues())
                .as("the time of the use, not of the write")
                .allSatisfy(at -> assertThat(at).isBetween(before.minusSeconds(1), before.plusSeconds(5)))
                .containsOnly(written.getValue());
    }

    @Test
    void noWriteIsTriedWhileTheDatabaseIsKnownToBeGone() throws Exception {
        outage = Optional.of(new DataAccessResourceFailureException("the database's latest health check failed"));

        usage.used("id-user");
        // The write and a few retries have had their turn.
        for (int i = 0; i < 3; i++) {
            writer.schedule(() -> {}, RETRY.toMillis() * 2, TimeUnit.MILLISECONDS)
                    .get(10, TimeUnit.SECONDS);
        }
        verify(repository, never()).touch(any(), any());

        outage = Optional.empty();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> verify(repository).touch(eq("id-user"), any()));
    }

    @Test
    void aWriteThatFailsForAnotherReasonIsNotTriedAgain() throws Exception {
        willThrow(new BadSqlGrammarException("touch", "UPDATE …", new java.sql.SQLException("no such column")))
                .given(repository)
                .touch(eq("id-user"), any());

        usage.used("id-user");
        writer.submit(() -> {}).get(10, TimeUnit.SECONDS);
        writer.schedule(() -> {}, RETRY.toMillis() * 3, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);

        verify(repository, times(1)).touch(eq("id-user"), any());
    }
}
