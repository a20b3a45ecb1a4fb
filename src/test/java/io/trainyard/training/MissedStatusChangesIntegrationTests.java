package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.history.HistoryChunk;
import io.trainyard.history.HistoryRepository;
import io.trainyard.job.JobStatus;
import io.trainyard.job.TrainingJob;
import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * Every status change reaches a job's event stream once and in order, also those that came and went
 * before the stream looked: a hand-back and re-claim (RUNNING → QUEUED → RUNNING), then a recovery
 * (the claim taken as lost, re-queued, claimed again). The ticker is stretched to an hour, so the
 * stream hears nothing of the hand-back or the recovery, which publish nothing here, as a move made by
 * another instance would not: what it tells of them it rebuilt from the attempt records.
 *
 * <p>Each attempt that ends and each job put back in the queue is counted on the metrics
 * ({@code trainyard_job_attempts_ended_total{outcome}}, {@code trainyard_jobs_requeued_total{reason}}),
 * once its move commits: before, a scrape showed nothing of lost, recovered or handed-back attempts.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.event-streams.tick=1h",
            "trainyard.heartbeat-interval=300ms",
            "trainyard.poll-interval=200ms",
            "trainyard.checkpoint-interval=100ms",
        })
@ExtendWith(OutputCaptureExtension.class)
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

    @Autowired
    JobCheckpoints checkpoints;

    @Autowired
    HistoryRepository history;

    @Autowired
    MeterRegistry registry;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JobRunner runner;

    @Autowired
    io.trainyard.job.JobRepository jobs;

    private static final String[] OUTCOMES = {"succeeded", "failed", "cancelled", "handed-back", "lost"};
    private static final String[] REASONS = {"handed-back", "lease-lapsed", "recovered"};

    /** Every attempt and re-queue counter now, as "attempts.<outcome>" and "requeued.<reason>". */
    private Map<String, Double> counts() {
        Map<String, Double> counts = new HashMap<>();
        for (String outcome : OUTCOMES) {
            counts.put(
                    "attempts." + outcome,
                    registry.get("trainyard.job.attempts.ended")
                            .tag("outcome", outcome)
                            .counter()
                            .count());
        }
        for (String reason : REASONS) {
            counts.put(
                    "requeued." + reason,
                    registry.get("trainyard.jobs.requeued")
                            .tag("reason", reason)
                            .counter()
                            .count());
        }
        return counts;
    }

    /** What was counted since {@code before}: only the series that moved. */
    private Map<String, Double> countedSince(Map<String, Double> before) {
        Map<String, Double> counted = new HashMap<>();
        counts().forEach((series, now) -> {
            if (now - before.get(series) != 0) {
                counted.put(series, now - before.get(series));
            }
        });
        return counted;
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-missed-changes"));
    }

    @Test
    void aHandBackAndARecoveryBetweenTwoTicksAreEachToldOnceInOrder() throws Exception {
        Http http = new Http(port);
        String id = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        awaitAttempt(http, id, 1);
        // What the runner relies on to skip the checkpoint and history of a first run: a job's first claim
        // is at this token, and every later one above it.
        assertThat(version(id)).isEqualTo(JobClaims.FIRST_CLAIM);
        CountDownLatch subscribed = new CountDownLatch(1);
        CompletableFuture<List<String[]>> stream =
                CompletableFuture.supplyAsync(() -> http.events("/jobs/" + id + "/events", subscribed::countDown));
        assertThat(subscribed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Map<String, Double> before = counts();

        // A clean stop's hand-back, made as the stopping instance makes it: RUNNING → QUEUED, and the
        // worker (whose claim is gone) lets go, so it claims the job again: → RUNNING.
        assertThat(claims.handBack(id, instance(id), version(id))).isTrue();
        awaitAttempt(http, id, 2);
        assertThat(version(id)).isGreaterThan(JobClaims.FIRST_CLAIM);

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
        // The cancel is counted once the worker's outcome commits, which may be a moment after the stream heard it.
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(countedSince(before))
                        .as("each attempt once, by how it ended, and each way back to the queue")
                        .isEqualTo(Map.of(
                                "attempts.handed-back", 1.0,
                                "requeued.handed-back", 1.0,
                                "attempts.lost", 1.0,
                                "requeued.recovered", 1.0,
                                "attempts.cancelled", 1.0)));
    }

    @Test
    void aJobRequeuedByARecoveryShowsTheProgressOfTheCheckpointItWillResumeFrom() {
        Http http = new Http(port);
        // The one worker trains this one, so the job below stays queued once it is back in the queue.
        String busy = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        awaitAttempt(http, busy, 1);
        String id = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        int layers = http.get("/jobs/" + id).expect(200).get("layerSizes").size() - 1;

        // An instance claimed it, stored 5,001 points, a checkpoint at 3,000 and its progress at 5,000,
        // then died.
        Map<String, Double> before = counts();
        int token = claims.claim(new JobClaims.Queued(id, version(id), false, null), "crashed-instance")
                .orElseThrow();
        int points = 5_001;
        double[] train = new double[points];
        double[] test = new double[points];
        for (int i = 0; i < points; i++) {
            train[i] = 1.0 / (i + 1);
            test[i] = 2.0 / (i + 1);
        }
        history.insert(new HistoryChunk(id, 0, points, layers, train, null, test, new double[points * layers]));
        checkpoints.save(id, 3_000, new byte[] {1, 2, 3});
        assertThat(claims.recordProgress(id, "crashed-instance", token, 5_000, 250.0, train[5_000], null, test[5_000]))
                .isTrue();
        // Its last renewal 10 s ago: stale for the recovery below (5 s), not yet for this instance's own
        // heartbeat, which recovers claims older than heartbeat-timeout (30 s). A NULL renewal was stale
        // for both, and the heartbeat's recovery sometimes took the job first (CI saw 0 here once).
        Instant now = claims.databaseNow();
        jdbc.sql("UPDATE jobs SET heartbeat_at = :at WHERE id = :id")
                .param("at", io.trainyard.system.Rows.time(now.minusSeconds(10)))
                .param("id", id)
                .update();

        assertThat(recovery.recover(now.minusSeconds(5)))
                .as("only the dead instance's job: the busy one's heartbeat is fresh")
                .isEqualTo(1);

        // Queued again: the progress is the checkpoint's, where the next attempt takes over (the points
        // after it are trained again), not nothing, and not the points that will be redone.
        JsonNode queued = http.get("/jobs/" + id).expect(200);
        assertThat(queued.get("status").asString()).isEqualTo("QUEUED");
        assertThat(queued.at("/progress/iteration").asInt()).isEqualTo(3_000);
        assertThat(queued.at("/progress/iterationsPerSecond").isNull()).isTrue();
        assertThat(queued.get("trainLoss").asDouble()).isEqualTo(train[3_000]);
        assertThat(queued.get("testLoss").asDouble()).isEqualTo(test[3_000]);
        assertThat(queued.get("validationLoss").isNull()).isTrue();
        assertThat(queued.get("attemptHistory").get(0).get("outcome").asString())
                .isEqualTo("lost");
        assertThat(countedSince(before))
                .as("the recovery's re-queue, counted by the recovering instance")
                .isEqualTo(Map.of("attempts.lost", 1.0, "requeued.recovered", 1.0));

        // Claimed again: still that progress until the attempt says where it resumes; then kept if there,
        // and cleared when it starts elsewhere (a checkpoint it could not use: from the seed).
        int next = claims.claim(new JobClaims.Queued(id, version(id), false, null), "another-instance")
                .orElseThrow();
        JsonNode claimed = http.get("/jobs/" + id).expect(200);
        assertThat(claimed.get("status").asString()).isEqualTo("RUNNING");
        assertThat(claimed.at("/progress/iteration").asInt()).isEqualTo(3_000);
        assertThat(claimed.get("trainLoss").asDouble()).isEqualTo(train[3_000]);
        assertThat(claims.recordStart(id, "another-instance", next, 3_000, 10, 0, 10))
                .isTrue();
        assertThat(http.get("/jobs/" + id).expect(200).get("trainLoss").asDouble())
                .isEqualTo(train[3_000]);
        assertThat(claims.recordStart(id, "another-instance", next, 0, 10, 0, 10))
                .isTrue();
        JsonNode fromSeed = http.get("/jobs/" + id).expect(200);
        assertThat(fromSeed.at("/progress/iteration").asInt()).isZero();
        assertThat(fromSeed.get("trainLoss").isNull()).isTrue();
        assertThat(fromSeed.get("testLoss").isNull()).isTrue();

        assertThat(claims.finish(
                        id, "another-instance", next, JobStatus.CANCELLED, null, null, null, JobClaims.FinalRow.NONE))
                .isTrue();
        cancelAndAwait(http, busy);
    }

    @Test
    void aMoveBackToTheQueueIsCountedOnceItCommitsAndALapsedLeaseAsLost() {
        Http http = new Http(port);
        Claimed claimed = claimedBehindABusyJob(http, "paused-instance");
        String id = claimed.id();
        int token = claimed.token();
        Map<String, Double> before = counts();

        // A hand-back whose transaction is rolled back did not happen, and is not counted.
        transactions.executeWithoutResult(tx -> {
            assertThat(claims.handBack(id, "paused-instance", token)).isTrue();
            tx.setRollbackOnly();
        });
        assertThat(http.get("/jobs/" + id).expect(200).get("status").asString()).isEqualTo("RUNNING");
        assertThat(countedSince(before)).isEmpty();

        // Its worker could not renew the claim for a whole heartbeat-timeout and puts the job back itself.
        assertThat(claims.requeueLapsed(id, "paused-instance", token)).isTrue();

        assertThat(countedSince(before)).isEqualTo(Map.of("attempts.lost", 1.0, "requeued.lease-lapsed", 1.0));
        String scraped = http.get("/actuator/prometheus").text();
        assertThat(scraped.lines())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("trainyard_job_attempts_ended_total{")
                        .contains("outcome=\"lost\""))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("trainyard_jobs_requeued_total{")
                        .contains("reason=\"lease-lapsed\""));

        http.post("/jobs/" + id + "/cancel", "").expect(202);
        cancelAndAwait(http, claimed.busy());
    }

    @Test
    void aFirstRunWhoseClaimIsGoneBeforeItStartsWritesNothingAndDoesNotTrain(CapturedOutput output) {
        Http http = new Http(port);
        // The one worker trains this one, so the job below is only ever claimed by the test.
        String busy = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        awaitAttempt(http, busy, 1);
        String id = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        TrainingJob queued = jobs.find(id).orElseThrow();
        // Another instance claims it first; a run here believes the same first claim is its own. The
        // first run does not take the claim's lock before it starts (there is no checkpoint to read):
        // the fenced start is what finds the claim gone.
        int token = claims.claim(new JobClaims.Queued(id, version(id), false, null), "other-instance")
                .orElseThrow();
        assertThat(token).isEqualTo(JobClaims.FIRST_CLAIM);

        runner.run(queued, "this-instance", token, () -> false);

        assertThat(output.getOut()).contains("Job " + id + ": the claim was lost before training started");
        assertThat(instance(id)).isEqualTo("other-instance");
        JsonNode job = http.get("/jobs/" + id).expect(200);
        assertThat(job.get("status").asString()).isEqualTo("RUNNING");
        assertThat(job.at("/progress/iteration").asInt()).isZero();
        assertThat(job.get("resumedFrom").isNull())
                .as("the start was not recorded")
                .isTrue();
        assertThat(job.get("attemptHistory")).hasSize(1);
        assertThat(job.get("attemptHistory").get(0).get("instance").asString()).isEqualTo("other-instance");

        assertThat(claims.finish(
                        id, "other-instance", token, JobStatus.CANCELLED, null, null, null, JobClaims.FinalRow.NONE))
                .isTrue();
        cancelAndAwait(http, busy);
    }

    @Test
    void aRunsLastProgressDiagnosticsAndVerdictAreWrittenWithItsFinalStatusAndOnlyUnderItsClaim() {
        Http http = new Http(port);
        Claimed claimed = claimedBehindABusyJob(http, "this-instance");
        String id = claimed.id();
        int token = claimed.token();
        String diagnostics = "{\"layers\":[{\"name\":\"W0\",\"gradientNorm\":2.5,\"weightNorm\":1.5,"
                + "\"updateRatio\":0.001,\"deadShare\":null,\"saturatedShare\":0.25}],\"flags\":[]}";
        JobClaims.FinalRow row = new JobClaims.FinalRow(
                new io.trainyard.job.LiveProgress(1_234, 0.5, 0.75, 0.625, 99.0), diagnostics, false, 1_000);

        // A stale worker (its token is not the claim's) writes nothing: not the status, nor what comes with it.
        assertThat(claims.finish(id, "this-instance", token + 1, JobStatus.FAILED, null, "diverged", "x", row))
                .isFalse();
        JsonNode untouched = http.get("/jobs/" + id).expect(200);
        assertThat(untouched.get("status").asString()).isEqualTo("RUNNING");
        assertThat(untouched.at("/progress/iteration").asInt()).isZero();
        assertThat(untouched.get("trainLoss").isNull()).isTrue();
        assertThat(untouched.get("bestIteration").isNull()).isTrue();
        assertThat(untouched.get("diagnostics").isNull()).isTrue();

        assertThat(claims.finish(id, "this-instance", token, JobStatus.FAILED, null, "diverged", "x", row))
                .isTrue();
        JsonNode ended = http.get("/jobs/" + id).expect(200);
        assertThat(ended.get("status").asString()).isEqualTo("FAILED");
        assertThat(ended.at("/progress/iteration").asInt()).isEqualTo(1_234);
        assertThat(ended.get("trainLoss").asDouble()).isEqualTo(0.5);
        assertThat(ended.get("validationLoss").asDouble()).isEqualTo(0.75);
        assertThat(ended.get("testLoss").asDouble()).isEqualTo(0.625);
        assertThat(ended.get("stoppedEarly").asBoolean()).isFalse();
        assertThat(ended.get("bestIteration").asInt()).isEqualTo(1_000);
        assertThat(ended.at("/diagnostics/layers/0/saturatedShare").asDouble()).isEqualTo(0.25);
        cancelAndAwait(http, claimed.busy());
    }

    @Test
    void aFirstRunThatSavedCheckpointsLeavesNoneOnceItSucceeds() {
        Http http = new Http(port);
        // Most of a second of training at the least: a checkpoint every 100 ms here, before it ends.
        String id = http.post(
                        "/jobs",
                        Map.of(
                                "dataset",
                                "hw5",
                                "layers",
                                List.of(20, 20),
                                "normalize",
                                true,
                                "alpha",
                                1e-4,
                                "iterations",
                                15_000))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> checkpointsOf(id) > 0);
        assertThat(http.get("/jobs/" + id).expect(200).get("status").asString())
                .as("checkpointed while it ran")
                .isEqualTo("RUNNING");
        await().atMost(TIMEOUT).until(() -> done(http, id));
        assertThat(http.get("/jobs/" + id).expect(200).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(checkpointsOf(id))
                .as("the checkpoints of a job that will never resume")
                .isZero();
    }

    /** A job the test has claimed, and the job that keeps the one worker busy meanwhile. */
    private record Claimed(String busy, String id, int token) {}

    /**
     * Queues a job behind one that keeps the one worker busy, so that only the test claims it: as
     * {@code instance}, at the token it returns.
     */
    private Claimed claimedBehindABusyJob(Http http, String instance) {
        String busy = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        awaitAttempt(http, busy, 1);
        String id = http.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        int token = claims.claim(new JobClaims.Queued(id, version(id), false, null), instance)
                .orElseThrow();
        return new Claimed(busy, id, token);
    }

    /** Cancels the job that kept the one worker busy, and waits until it has stopped. */
    private static void cancelAndAwait(Http http, String busy) {
        http.post("/jobs/" + busy + "/cancel", "").expect(202);
        await().atMost(TIMEOUT)
                .until(() -> http.get("/jobs/" + busy)
                        .json()
                        .get("status")
                        .asString()
                        .equals("CANCELLED"));
    }

    /** Waits until attempt {@code number} of the job is running. */
    private static void awaitAttempt(Http http, String id, int number) {
        await().atMost(TIMEOUT).until(() -> {
            JsonNode job = http.get("/jobs/" + id).json();
            return job.get("status").asString().equals("RUNNING")
                    && job.get("attemptHistory").size() == number;
        });
    }

    private int checkpointsOf(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM job_checkpoints WHERE job_id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }

    private static boolean done(Http http, String id) {
        return http.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED");
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
