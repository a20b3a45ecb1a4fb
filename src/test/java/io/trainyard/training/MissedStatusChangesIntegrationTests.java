package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * Every status change reaches a job's event stream once and in order, also those that came and went
 * before the stream looked: a hand-back and re-claim (RUNNING → QUEUED → RUNNING), then a recovery
 * (the claim taken as lost, re-queued, claimed again). The ticker is stretched to an hour, so the
 * stream hears nothing of the hand-back or the recovery, which publish nothing here, as a move made by
 * another instance would not: what it tells of them it rebuilt from the attempt records.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.event-streams.tick=1h",
            "trainyard.heartbeat-interval=300ms",
            "trainyard.poll-interval=200ms",
        })
class MissedStatusChangesIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Trains for minutes: it is still running whenever the test takes it away, and ends by a cancel. */
    private static final Map<String, Object> LONG_JOB =
            Map.of("dataset", "hw5", "normalize", true, "alpha", 1e-6, "iterations", 1_000_000);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobClaims claims;

    @Autowired
    JobRecovery recovery;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-missed-changes"));
    }

    @Test
    void aHandBackAndARecoveryBetweenTwoTicksAreEachToldOnceInOrder() throws Exception {
        Http http = new Http(port);
        String id = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        awaitAttempt(http, id, 1);
        CountDownLatch subscribed = new CountDownLatch(1);
        CompletableFuture<List<String[]>> stream =
                CompletableFuture.supplyAsync(() -> http.events("/jobs/" + id + "/events", subscribed::countDown));
        assertThat(subscribed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // A clean stop's hand-back, made as the stopping instance makes it: RUNNING → QUEUED, and the
        // worker (whose claim is gone) lets go, so it claims the job again: → RUNNING.
        assertThat(claims.handBack(id, instance(id), version(id))).isTrue();
        awaitAttempt(http, id, 2);

        // A recovery, as another instance makes it once a claim has expired: RUNNING → QUEUED, lost.
        assertThat(recovery.recover(null)).isEqualTo(1);
        awaitAttempt(http, id, 3);

        http.post("/jobs/" + id + "/cancel", "").expect(202);
        List<String[]> events = stream.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        List<JsonNode> statuses = events.stream()
                .filter(event -> event[0].equals("status"))
                .map(event -> Http.JSON.readTree(event[1]))
                .toList();
        assertThat(statuses)
                .extracting(job -> job.get("status").asString())
                .as("every status change, once, in order")
                .containsExactly("RUNNING", "QUEUED", "RUNNING", "QUEUED", "RUNNING", "CANCELLED");
        // Each rebuilt event is the job as it was at that change: its attempts then, and how they ended.
        assertThat(statuses).extracting(job -> job.get("attemptHistory").size()).containsExactly(1, 1, 2, 2, 3, 3);
        assertThat(statuses)
                .extracting(job -> job.get("attemptHistory")
                        .get(job.get("attemptHistory").size() - 1)
                        .path("outcome")
                        .asString(null))
                .containsExactly(null, "handed-back", null, "lost", null, "cancelled");
        assertThat(statuses)
                .extracting(job -> job.get("attempts").asInt())
                .as("a hand-back is counted while it runs, not once it ended")
                .containsExactly(1, 0, 1, 1, 2, 2);
        assertThat(statuses.get(1).get("startedAt").isNull()).isTrue();
        assertThat(statuses.get(2).get("startedAt").asString())
                .isEqualTo(statuses.get(5)
                        .get("attemptHistory")
                        .get(1)
                        .get("startedAt")
                        .asString());
    }

    /** Waits until attempt {@code number} of the job is running. */
    private static void awaitAttempt(Http http, String id, int number) {
        await().atMost(TIMEOUT).until(() -> {
            JsonNode job = http.get("/jobs/" + id).json();
            return job.get("status").asString().equals("RUNNING")
                    && job.get("attemptHistory").size() == number;
        });
    }

    private String instance(String id) {
        return jdbc.sql("SELECT claimed_by FROM jobs WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    /** The job's version, which while it runs is its claim's fencing token. */
    private int version(String id) {
        return jdbc.sql("SELECT version FROM jobs WHERE id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }
}
