package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

/**
 * What operators rely on around admitting and ending jobs.
 *
 * <p>Submits that arrive together still respect the queue capacity and an owner's active-jobs quota
 * exactly: each was checked by counting and then inserting, so two requests could both count the same
 * free place and both be queued (201 active jobs under a quota of 200, 1,001 queued under a capacity of
 * 1,000, also across instances sharing one PostgreSQL).
 *
 * <p>Every job that ends is counted in {@code trainyard_jobs_finished_total}, a job cancelled while
 * queued too (no worker ends it), and a job's start and end lines in the log name its owner.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.limits.queue-capacity=4",
            // A refusal's count answers for the whole test, unless a job leaves the queue.
            "trainyard.limits.queue-count-max-age=1h",
            "trainyard.quota.max-active-jobs=3",
            "trainyard.quota.requests-per-second=1000",
            "trainyard.quota.burst=1000",
        })
@ExtendWith(OutputCaptureExtension.class)
// The counting test first: a blocker cancelled after an earlier test could still be counted during it.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionAndMetricsIntegrationTests {

    private static final int AT_ONCE = 24;
    private static final int ROUNDS = 4;
    /** Trains for minutes: keeps the one worker busy, so every job submitted by the test stays QUEUED. */
    private static final Map<String, Object> LONG_JOB =
            Map.of("dataset", "hw5", "normalize", true, "alpha", 1e-6, "iterations", 1_000_000);

    private static final Map<String, Object> SHORT_JOB = Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10);

    @LocalServerPort
    int port;

    Http admin;
    String blocker;
    final ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE);

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-admission"));
    }

    @BeforeEach
    void occupyTheWorker() {
        admin = new Http(port);
        blocker = admin.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.get("/jobs/" + blocker)
                        .expect(200)
                        .get("status")
                        .asString()
                        .equals("RUNNING"));
    }

    @AfterEach
    void cancelEverything() {
        for (var job : admin.get("/jobs?limit=200").expect(200).get("items")) {
            String status = job.get("status").asString();
            if (status.equals("QUEUED") || status.equals("RUNNING")) {
                admin.post("/jobs/" + job.get("id").asString() + "/cancel", "");
            }
        }
        clients.shutdownNow();
    }

    /** Sends {@code AT_ONCE} submits released together; returns their statuses. */
    private List<Integer> submitTogether(Http client) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            answers.add(clients.submit(() -> {
                start.await();
                return client.post("/jobs", SHORT_JOB).status();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        return statuses;
    }

    private void cancelQueued(Http client) {
        for (var job : client.get("/jobs?status=QUEUED&limit=200").expect(200).get("items")) {
            client.post("/jobs/" + job.get("id").asString() + "/cancel", "");
        }
    }

    @Test
    void theActiveJobsQuotaAdmitsExactlyUpToItWhenSubmitsArriveTogether() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String key = admin.post(
                            "/keys",
                            Map.of(
                                    "name",
                                    "race-" + UUID.randomUUID().toString().substring(0, 8),
                                    "role",
                                    "user"))
                    .expect(201)
                    .get("key")
                    .asString();
            Http user = admin.as(key);

            List<Integer> statuses = submitTogether(user);

            assertThat(statuses).containsOnly(202, 429);
            assertThat(statuses.stream().filter(s -> s == 202).count())
                    .as("round %d: accepted of %d submits under a quota of 3", round, AT_ONCE)
                    .isEqualTo(3);
            assertThat(user.get("/jobs?status=QUEUED&limit=200").expect(200).get("items"))
                    .hasSize(3);
            cancelQueued(user);
        }
    }

    @Test
    void theQueueCapacityAdmitsExactlyUpToItWhenSubmitsArriveTogether() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<Integer> statuses = submitTogether(admin);

            assertThat(statuses).containsOnly(202, 429);
            assertThat(statuses.stream().filter(s -> s == 202).count())
                    .as("round %d: accepted of %d submits into a queue of 4", round, AT_ONCE)
                    .isEqualTo(4);
            assertThat(admin.get("/jobs?status=QUEUED&limit=200").expect(200).get("items"))
                    .hasSize(4);
            cancelQueued(admin);
        }
    }

    @Test
    void aFullQueueRefusesSubmitsAndSweepsButNotDryRunsAndTakesJobsAgainOnceOneIsCancelled() {
        for (int i = 0; i < 4; i++) {
            admin.post("/jobs", SHORT_JOB).expect(202);
        }
        // The count behind this refusal answers the next ones, before their bodies are read.
        Http.Response refused = admin.post("/jobs", SHORT_JOB);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("10");
        assertThat(admin.post("/jobs", "{not json").expect(429).get("detail").asString())
                .contains("The queue holds 4 jobs and takes at most 4");
        // A sweep is asked once its body is checked: a valid one gets the queue's 429…
        admin.post("/sweeps", Map.of("base", SHORT_JOB, "grid", Map.of("seed", List.of(1, 2)), "selectBy", "train"))
                .expect(429);
        // …and one larger than the whole queue its 400 on grid, with no Retry-After no wait could honour
        // (it was the 429, refused before its body was read).
        Http.Response never = admin.post(
                "/sweeps",
                Map.of("base", SHORT_JOB, "grid", Map.of("seed", List.of(1, 2, 3, 4, 5)), "selectBy", "train"));
        assertThat(never.status()).as(never.text()).isEqualTo(400);
        assertThat(never.header("Retry-After")).isNull();
        assertThat(never.json().at("/errors/0/field").asString()).isEqualTo("grid");
        assertThat(never.json().get("detail").asString()).contains("trainyard.limits.queue-capacity");
        admin.post("/jobs?dryRun=true", SHORT_JOB).expect(200);

        String queued = admin.get("/jobs?status=QUEUED&limit=1")
                .expect(200)
                .get("items")
                .get(0)
                .get("id")
                .asString();
        admin.post("/jobs/" + queued + "/cancel", "").expect(202);
        // The cancellation makes the earlier count stale (it would answer for an hour).
        admin.post("/jobs", SHORT_JOB).expect(202);
    }

    @Test
    void theEarlyRefusalIsAskedOfABeanNoProxyStandsBefore(@Autowired QueueRefusals refusals) {
        // Through a proxy every refusal of a burst into a full queue came back wrapped in an
        // InvocationTargetException whose stack trace was filled in for nothing (QueueRefusals).
        assertThat(AopUtils.isAopProxy(refusals)).isFalse();
    }

    private double finished(String status) {
        String prefix = "trainyard_jobs_finished_total{application=\"trainyard\",status=\"" + status + "\"} ";
        return admin.get("/actuator/prometheus")
                .text()
                .lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length())))
                .findFirst()
                .orElse(0);
    }

    @Test
    @Order(1)
    void aJobCancelledWhileQueuedIsCountedAsFinishedAndLogLinesNameTheOwner(CapturedOutput output) {
        double before = finished("CANCELLED");
        String queued = admin.post("/jobs", SHORT_JOB).expect(202).get("id").asString();

        assertThat(admin.post("/jobs/" + queued + "/cancel", "")
                        .expect(202)
                        .get("status")
                        .asString())
                .isEqualTo("CANCELLED");

        assertThat(finished("CANCELLED")).isEqualTo(before + 1);
        assertThat(output.getAll())
                .contains("Job " + queued + " of admin queued")
                .contains("Job " + blocker + " of admin started");
        admin.post("/jobs/" + blocker + "/cancel", "").expect(202);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(output.getAll()).contains("Job " + blocker + " of admin CANCELLED after "));
        assertThat(finished("CANCELLED")).isEqualTo(before + 2);
    }
}
