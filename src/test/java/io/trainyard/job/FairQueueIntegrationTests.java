package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

/**
 * Owners take turns in the queue: one owner's backlog does not keep another's jobs waiting behind all of
 * it, and jobs that waited longer in the same turn go first. One worker, held by a long job while the
 * queue fills, so the order in which the queued jobs start is the queue's order alone.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.quota.requests-per-second=1000",
            "trainyard.quota.burst=1000",
        })
class FairQueueIntegrationTests {

    /** Trains for minutes: holds the one worker until it is cancelled. */
    private static final Map<String, Object> LONG_JOB =
            Map.of("dataset", "hw5", "normalize", true, "alpha", 1e-6, "iterations", 1_000_000);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-fair-queue"));
    }

    @Test
    void ownersTakeTurnsAndAnOwnersBacklogDoesNotHoldBackAnotherOwnersJobs() {
        Http admin = new Http(port);
        Http alice = user(admin, "alice");
        Http bob = user(admin, "bob");
        Http carol = user(admin, "carol");

        String blocker = alice.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> alice.get("/jobs/" + blocker)
                        .expect(200)
                        .get("status")
                        .asString()
                        .equals("RUNNING"));

        Map<String, String> ownerOf = new HashMap<>();
        List<String> submitted = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            submit(alice, "alice-" + i, ownerOf, submitted);
        }
        // A sweep of bob's: its members take bob's turns one after another, as single jobs would.
        var sweep = bob.post(
                        "/sweeps",
                        Map.of(
                                "name",
                                "bob-sweep",
                                "selectBy",
                                "train",
                                "base",
                                shortJob("bob-sweep"),
                                "grid",
                                Map.of("seed", List.of(1, 2))))
                .expect(202);
        String sweepId = sweep.get("id").asString();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> bob.get("/jobs?status=QUEUED&limit=50")
                                .expect(200)
                                .get("items")
                                .size()
                        == 2);
        List<String> sweepMembers = new ArrayList<>();
        for (var job : bob.get("/jobs?status=QUEUED&limit=50").expect(200).get("items")) {
            assertThat(job.get("sweepId").asString()).isEqualTo(sweepId);
            sweepMembers.add(0, job.get("id").asString()); // newest first: reversed into submit order
        }
        for (int i = 0; i < sweepMembers.size(); i++) {
            ownerOf.put(sweepMembers.get(i), "bob-" + (i + 1));
            submitted.add(sweepMembers.get(i));
        }
        submit(carol, "carol-1", ownerOf, submitted);

        alice.post("/jobs/" + blocker + "/cancel", "").expect(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> submitted.stream()
                        .allMatch(id -> admin.get("/jobs/" + id)
                                .expect(200)
                                .get("status")
                                .asString()
                                .equals("SUCCEEDED")));

        List<String> started = new ArrayList<>(submitted);
        Map<String, OffsetDateTime> startedAt = new HashMap<>();
        for (String id : submitted) {
            startedAt.put(
                    id,
                    OffsetDateTime.parse(admin.get("/jobs/" + id)
                            .expect(200)
                            .get("startedAt")
                            .asString()));
        }
        started.sort(Comparator.comparing(startedAt::get));

        // Turn 1: alice's first job (queued first), then bob's and carol's; turn 2: alice's and bob's
        // second; then alice's backlog. Without turns bob and carol would wait for all of alice's jobs.
        assertThat(started.stream().map(ownerOf::get).toList())
                .containsExactly("alice-1", "bob-1", "carol-1", "alice-2", "bob-2", "alice-3", "alice-4", "alice-5");
    }

    private static Map<String, Object> shortJob(String name) {
        return Map.of("name", name, "dataset", "hw5", "alpha", 0.001, "iterations", 20);
    }

    private static void submit(Http client, String name, Map<String, String> ownerOf, List<String> submitted) {
        String id = client.post("/jobs", shortJob(name)).expect(202).get("id").asString();
        ownerOf.put(id, name);
        submitted.add(id);
    }

    private static Http user(Http admin, String name) {
        String key = admin.post(
                        "/keys",
                        Map.of("name", name + "-" + UUID.randomUUID().toString().substring(0, 8), "role", "user"))
                .expect(201)
                .get("key")
                .asString();
        return admin.as(key);
    }
}
