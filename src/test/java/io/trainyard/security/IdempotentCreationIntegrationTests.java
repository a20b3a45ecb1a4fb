package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;

import java.net.http.HttpRequest;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

/**
 * A creation with an {@code Idempotency-Key} and the answer kept for its retries are stored
 * together or not at all. Before, the job was committed first and the answer after, so an instance
 * that died (or lost its database) in between left a job its client never heard of, while the key
 * did not know it: the client's retry with the same key, exactly what the key is for, created it a
 * second time.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.workers=1"})
class IdempotentCreationIntegrationTests {

    @LocalServerPort
    int port;

    @MockitoSpyBean
    IdempotencyStore store;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-idempotent"));
    }

    @Test
    void aJobWhoseAnswerCouldNotBeKeptIsNotCreatedAndTheRetryCreatesItOnce() {
        Http http = new Http(port);
        String name = "kept-with-its-answer-" + UUID.randomUUID();
        String body = "{\"name\": \"" + name + "\", \"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5}";
        String key = UUID.randomUUID().toString();
        // The database goes away right after the job is stored, before its answer is.
        doThrow(new DataAccessResourceFailureException("connection lost (simulated)"))
                .doCallRealMethod()
                .when(store)
                .complete(anyString(), anyString(), anyString(), anyInt(), any(), any(), any());

        Http.Response failed = submit(http, key, body);

        assertThat(failed.status()).as(failed.text()).isEqualTo(503);
        assertThat(failed.contentType()).startsWith("application/problem+json");
        assertThat(failed.header("Retry-After")).isNotNull();
        assertThat(failed.header("Location")).isNull();
        assertThat(failed.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(http.get("/jobs?name=" + name).expect(200).get("items"))
                .as("a job nobody was told about")
                .isEmpty();

        Http.Response retried = submit(http, key, body);
        assertThat(retried.status()).as(retried.text()).isEqualTo(202);
        Http.Response replayed = submit(http, key, body);
        assertThat(replayed.status()).isEqualTo(202);
        assertThat(replayed.json().get("id").asString())
                .isEqualTo(retried.json().get("id").asString());
        assertThat(http.get("/jobs?name=" + name).expect(200).get("items")).hasSize(1);
        doCallRealMethod().when(store).complete(anyString(), anyString(), anyString(), anyInt(), any(), any(), any());
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /**
     * A claim without an answer is given up once older than ABANDONED on the database's clock (its
     * creation would have been rolled back by then): the retry after a crash claims it afresh,
     * while a younger claim still answers "being handled".
     */
    @Test
    void aClaimLeftByADeadRequestIsTakenOverOnceItCanNoLongerCreateAnything() {
        String owner = "someone";
        String endpoint = "/jobs";
        String old = UUID.randomUUID().toString();
        String young = UUID.randomUUID().toString();
        java.time.Instant now = jdbc.sql("SELECT CURRENT_TIMESTAMP")
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
        for (String key : new String[] {old, young}) {
            java.time.Duration age = key.equals(old)
                    ? IdempotencyStore.ABANDONED.plusSeconds(5)
                    : IdempotencyStore.ABANDONED.minusSeconds(30);
            jdbc.sql("INSERT INTO idempotency_keys (owner, idem_key, endpoint, request_hash, created_at)"
                            + " VALUES (:owner, :key, :endpoint, 'h', :created)")
                    .param("owner", owner)
                    .param("key", key)
                    .param("endpoint", endpoint)
                    .param("created", io.trainyard.system.Rows.time(now.minus(age)))
                    .update();
        }
        assertThat(IdempotencyStore.ABANDONED).isGreaterThan(IdempotencyStore.CREATION_TIMEOUT);

        assertThat(store.claim(owner, old, endpoint, "h"))
                .as("abandoned: claimed afresh")
                .isEmpty();
        assertThat(store.claim(owner, young, endpoint, "h"))
                .as("still within its creation's time")
                .hasValueSatisfying(entry -> assertThat(entry.status()).isNull());
    }

    private static Http.Response submit(Http http, String key, String body) {
        return http.send(HttpRequest.newBuilder(http.uri("/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
