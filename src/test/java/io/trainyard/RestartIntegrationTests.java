package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * Nothing is lost across restarts: a job running when the service stops (cleanly, by SIGTERM or by
 * {@code kill -9}) resumes from its latest checkpoint at the next start on the same data directory
 * and ends bit-identical to an uninterrupted run; a job that exhausts the heap fails on its own.
 */
class RestartIntegrationTests {

    // Generous: a forked JVM on a loaded 2-core machine can take minutes to start.
    private static final Duration STARTUP = Duration.ofSeconds(300);

    @TempDir
    Path dataDir;

    /** The embedded database of a stopped service, opened directly to set up what a crash leaves behind. */
    private Connection stoppedDatabase() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:h2:file:" + dataDir.resolve("trainyard") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    }

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private Process child;

    @AfterEach
    void stopEverything() {
        contexts.forEach(ConfigurableApplicationContext::close);
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void aJobRunningAtACleanStopResumesFromItsCheckpointAfterTheNextStart() {
        Http first = new Http(port(start()));
        String id = first.post("/jobs", slowSpec(15_000)).expect(202).get("id").asString();
        awaitPastIteration(first, id, 100);

        contexts.remove(0).close();

        Http second = new Http(port(start()));
        JsonNode done = awaitSucceeded(second, id);
        assertThat(done.get("attempts").asInt())
                .as("a clean stop is not held against the job")
                .isEqualTo(1);
        assertThat(done.get("resumedFrom").asInt())
                .as("checkpointed at the stop")
                .isGreaterThan(100);
        assertHandedBackThenResumed(done);
        assertHistoryIsWholeAndInOrder(second, id, 15_000);
        second.get("/models/" + done.get("modelId").asString()).expect(200);
    }

    @Test
    void anEarlyStoppingJobCancelledBackInTheQueueReportsTheBestPointOfItsCheckpoint() throws SQLException {
        Http first = new Http(port(start()));
        Map<String, Object> spec = slowSpec(15_000);
        spec.put("earlyStopping", Map.of("monitor", "train", "patience", 15_000));
        String id = first.post("/jobs", spec).expect(202).get("id").asString();
        awaitPastIteration(first, id, 100);

        contexts.remove(0).close(); // a clean stop: checkpointed and handed back to the queue
        // A cancel asked for while it ran that its worker never saw: the next claim cancels the job instead
        // of training it, and no run is left to say early stopping's verdict; its checkpoint does.
        try (Connection db = stoppedDatabase();
                PreparedStatement cancel = db.prepareStatement(
                        "UPDATE jobs SET cancel_requested = TRUE WHERE id = ? AND status = 'QUEUED'")) {
            cancel.setString(1, id);
            assertThat(cancel.executeUpdate()).as("handed back to the queue").isEqualTo(1);
        }

        Http second = new Http(port(start()));
        await().atMost(STARTUP)
                .until(() -> second.get("/jobs/" + id).json().get("status").asString(), "CANCELLED"::equals);
        JsonNode cancelled = second.get("/jobs/" + id).json();
        assertThat(cancelled.get("stoppedEarly").isBoolean())
                .as("%s", cancelled)
                .isTrue();
        assertThat(cancelled.get("stoppedEarly").asBoolean()).isFalse();
        // Its history ends at the checkpoint it was handed back at: the best point of the one is the other's.
        JsonNode losses = second.get("/jobs/" + id + "/losses").expect(200);
        JsonNode train = losses.get("train");
        int best = 0;
        for (int i = 1; i < train.size(); i++) {
            if (train.get(i).asDouble() < train.get(best).asDouble()) {
                best = i;
            }
        }
        assertThat(best).as("the loss fell after point 0").isPositive();
        assertThat(cancelled.get("bestIteration").asInt()).isEqualTo(best);
        assertThat(losses.get("bestIteration").asInt()).isEqualTo(best);
    }

    @Test
    void sigtermCheckpointsHandsBackAndExitsWithinTenSecondsAndTheJobResumesWithoutAnotherAttempt() throws Exception {
        int port = freePort();
        child = startChildProcess(port);
        Http stopping = new Http(port);
        await().atMost(STARTUP)
                .ignoreExceptions()
                .until(() -> stopping.get("/actuator/health").status() == 200);
        String id =
                stopping.post("/jobs", slowSpec(15_000)).expect(202).get("id").asString();
        awaitPastIteration(stopping, id, 100);

        long before = System.nanoTime();
        child.destroy(); // SIGTERM
        boolean exited = child.waitFor(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - before) / 1e9;
        System.out.printf("SIGTERM during training: exited %s after %.2f s%n", exited, seconds);
        assertThat(exited).as("exited within 10 s of SIGTERM").isTrue();

        Http restarted = new Http(port(start()));
        JsonNode done = awaitSucceeded(restarted, id);
        assertThat(done.get("attempts").asInt())
                .as("a SIGTERM is not held against the job")
                .isEqualTo(1);
        assertThat(done.get("resumedFrom").asInt())
                .as("checkpointed when stopping")
                .isGreaterThan(100);
        assertHandedBackThenResumed(done);
        assertHistoryIsWholeAndInOrder(restarted, id, 15_000);
    }

    @Test
    void sigtermDuringStartUpEndsTheProcessWithinTenSecondsWithoutClaimingAnything() throws Exception {
        String[] queued = twoQueuedJobs();
        Path log = Files.createTempFile("trainyard-child", ".log");
        child = startSlowlyStartingChild(freePort(), log, false);

        assertStopDuringStartUp(child, log, queued);
    }

    @Test
    void sigtermToTheRelaunchingParentDuringStartUpEndsBothWithinTenSecondsWithoutClaimingAnything() throws Exception {
        String[] queued = twoQueuedJobs();
        Path log = Files.createTempFile("trainyard-parent", ".log");
        child = startSlowlyStartingChild(freePort(), log, true);

        assertStopDuringStartUp(child, log, queued);
    }

    /**
     * SIGTERM to {@code process} while its context is being built (held up by {@link SlowStartUp}):
     * it exits within 10 s with a stop's status, and the two queued jobs are as they were.
     */
    private void assertStopDuringStartUp(Process process, Path log, String[] queued) throws Exception {
        await().atMost(STARTUP).until(() -> Files.readString(log).contains(SlowStartUp.UNDER_WAY));
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());

        long before = System.nanoTime();
        process.destroy(); // SIGTERM
        boolean exited = process.waitFor(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - before) / 1e9;
        System.out.printf("SIGTERM during start-up: exited %s after %.2f s%n", exited, seconds);
        String output = Files.readString(log);
        assertThat(exited).as("exited within 10 s of SIGTERM:%n%s", output).isTrue();
        assertThat(all).as("every JVM of it").noneMatch(ProcessHandle::isAlive);
        assertThat(process.exitValue())
                .as("a stop's exit status (128 + SIGTERM), not the deadline's halt:%n%s", output)
                .isEqualTo(143);
        assertThat(output)
                .as("the start-up ended quietly")
                .contains("Stopping while starting")
                .doesNotContain("Application run failed")
                .doesNotContain("Tomcat started")
                .doesNotContain("started (attempt");

        try (Connection db = stoppedDatabase()) {
            assertThat(statusAndAttempts(db, queued[0])).isEqualTo("QUEUED 0 1"); // handed back earlier
            assertThat(statusAndAttempts(db, queued[1])).isEqualTo("QUEUED 0 0");
        }
    }

    /**
     * Two QUEUED jobs in the data directory: one handed back by a clean stop (one attempt on record),
     * one that waited behind it and was never claimed.
     */
    private String[] twoQueuedJobs() {
        ConfigurableApplicationContext context = start();
        Http http = new Http(port(context));
        String handedBack =
                http.post("/jobs", slowSpec(200_000)).expect(202).get("id").asString();
        awaitPastIteration(http, handedBack, 100);
        String waiting =
                http.post("/jobs", slowSpec(1_000)).expect(202).get("id").asString();
        contexts.remove(context);
        context.close();
        return new String[] {handedBack, waiting};
    }

    /** "STATUS attempts attempt-rows" of a job in the stopped service's database. */
    private static String statusAndAttempts(Connection db, String id) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("""
                SELECT status, attempts, (SELECT COUNT(*) FROM job_attempts WHERE job_id = jobs.id)
                FROM jobs WHERE id = ?""")) {
            query.setString(1, id);
            try (var rows = query.executeQuery()) {
                assertThat(rows.next()).as("job %s", id).isTrue();
                return rows.getString(1) + " " + rows.getInt(2) + " " + rows.getInt(3);
            }
        }
    }

    /**
     * Holds up every bean of a forked service's context by a tenth of a second (a build of tens of
     * seconds, as on a loaded machine) and says when the build is under way; added with {@code
     * --spring.main.sources}, from the test class path the child runs on.
     */
    public static class SlowStartUp implements BeanPostProcessor {

        static final String UNDER_WAY = "slow start-up under way";

        private boolean announced;

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (!announced) {
                announced = true;
                System.out.println(UNDER_WAY);
            }
            try {
                Thread.sleep(100); // the slowness this hook stands for, not a wait for anything
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return bean;
        }
    }

    /**
     * A worker that could not renew its claim for a whole heartbeat-timeout (here: the heartbeat never
     * runs again, as in a JVM paused past its lease) stops on its own. Its attempt is {@code lost} and
     * counted, as when another instance takes over a frozen owner's job, not {@code handed-back} as
     * after a clean stop: the instance was not stopping.
     */
    @Test
    void aWorkerWhoseLeaseRanOutRecordsItsAttemptAsLostNotHandedBack() {
        List<String> args = new ArrayList<>(List.of(arguments(0)));
        args.add("--trainyard.heartbeat-interval=1h");
        args.add("--trainyard.heartbeat-timeout=1s");
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(TrainyardApplication.class).run(args.toArray(String[]::new));
        contexts.add(context);
        Http http = new Http(port(context));
        String id =
                http.post("/jobs", slowSpec(1_000_000)).expect(202).get("id").asString();

        await().atMost(STARTUP)
                .until(() ->
                        http.get("/jobs/" + id).json().get("attemptHistory").size() >= 2);
        http.post("/jobs/" + id + "/cancel", Map.of()).expect(202);
        await().atMost(STARTUP)
                .until(() -> http.get("/jobs/" + id).json().get("status").asString(), "CANCELLED"::equals);

        JsonNode job = http.get("/jobs/" + id).json();
        JsonNode attempts = job.get("attemptHistory");
        assertThat(attempts.at("/0/outcome").asString()).as("%s", attempts).isEqualTo("lost");
        assertThat(job.get("attempts").asInt())
                .as("every attempt counts: none was a clean stop")
                .isEqualTo(attempts.size());
    }

    @Test
    void aJobThatRunsOutOfMemoryFailsAndTheWorkerTrainsTheNextJob() throws Exception {
        int port = freePort();
        child = startChildProcess(port, "-Xmx96m");
        Http small = new Http(port);
        await().atMost(STARTUP)
                .ignoreExceptions()
                .until(() -> small.get("/actuator/health").status() == 200);
        // About 4.2 million parameters: within the spec limits (5 million), but a network, its
        // training copy and its gradients do not fit a 96 MiB heap.
        Map<String, Object> huge = ApiContract.hw5Spec("too big for the heap", 5);
        huge.put("layers", List.of(1024, 1024, 1024, 1024, 1024));
        String id = small.post("/jobs", huge).expect(202).get("id").asString();

        await().atMost(STARTUP)
                .until(
                        () -> small.get("/jobs/" + id).json().get("status").asString(),
                        s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        JsonNode failed = small.get("/jobs/" + id).json();
        assertThat(failed.get("status").asString()).as("%s", failed).isEqualTo("FAILED");
        assertThat(failed.at("/error/type").asString()).isEqualTo("out-of-memory");

        String next = small.post("/jobs", ApiContract.hw5Spec("after the oom", 200))
                .expect(202)
                .get("id")
                .asString();
        awaitSucceeded(small, next);
        assertThat(small.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    /**
     * The service refuses to delete a model while a queued or running job warm-starts from it (409). A
     * model can still go another way: deleted by an earlier version, which allowed it, or from the
     * database by hand. A job that had started resumes from its checkpoint, which carries what it still
     * needs of the model (its preprocessing); one that never started fails with missing-input.
     */
    @Test
    void aWarmStartedJobResumesAfterAStopEvenWhenItsWarmStartModelIsGoneMeanwhile() throws SQLException {
        Http first = new Http(port(start()));
        String source = awaitSucceeded(
                        first,
                        first.post("/jobs", slowSpec(5)).expect(202).get("id").asString())
                .get("modelId")
                .asString();
        // The same starting weights and preprocessing under a second id, for an uninterrupted run to compare with.
        JsonNode stored = first.get("/models/" + source).expect(200);
        java.util.Map<String, Object> copy = new java.util.LinkedHashMap<>();
        for (String field : List.of("layerSizes", "activation", "bias", "preprocessing", "weights", "biases")) {
            copy.put(field, stored.get(field));
        }
        String twin = first.post("/models", copy).expect(201).get("id").asString();
        Map<String, Object> spec = slowSpec(6_000);
        spec.put("warmStartModel", source);
        String id = first.post("/jobs", spec).expect(202).get("id").asString();
        awaitPastIteration(first, id, 100);
        // Queued behind it (one worker): it has nothing of the model yet.
        Map<String, Object> waitingSpec = slowSpec(10);
        waitingSpec.put("warmStartModel", source);
        String waiting = first.post("/jobs", waitingSpec).expect(202).get("id").asString();
        assertThat(first.delete("/models/" + source).expect(409).get("detail").asString())
                .contains(id, waiting);

        contexts.remove(0).close();
        // The stop's checkpoint must carry what the resumed run still needs of the model.
        try (Connection db = stoppedDatabase();
                PreparedStatement delete = db.prepareStatement("DELETE FROM models WHERE id = ?")) {
            delete.setString(1, source);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }

        Http second = new Http(port(start()));
        JsonNode done = awaitSucceeded(second, id);
        assertThat(done.get("resumedFrom").asInt()).isGreaterThan(100);
        assertHistoryIsWholeAndInOrder(second, id, 6_000);
        await().atMost(STARTUP)
                .until(
                        () -> second.get("/jobs/" + waiting)
                                .json()
                                .get("status")
                                .asString(),
                        s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        JsonNode failed = second.get("/jobs/" + waiting).expect(200);
        assertThat(failed.get("status").asString()).as("%s", failed).isEqualTo("FAILED");
        assertThat(failed.at("/error/type").asString()).isEqualTo("missing-input");
        assertThat(failed.at("/error/detail").asString())
                .contains(source)
                .contains("deleted after this job was accepted");
        spec.put("warmStartModel", twin);
        JsonNode uninterrupted = awaitSucceeded(
                second, second.post("/jobs", spec).expect(202).get("id").asString());
        JsonNode resumedModel =
                second.get("/models/" + done.get("modelId").asString()).expect(200);
        JsonNode wholeModel =
                second.get("/models/" + uninterrupted.get("modelId").asString()).expect(200);
        assertThat(resumedModel.get("weights")).isEqualTo(wholeModel.get("weights"));
        assertThat(resumedModel.get("biases")).isEqualTo(wholeModel.get("biases"));
        assertThat(resumedModel.get("preprocessing")).isEqualTo(stored.get("preprocessing"));
        assertThat(second.get("/jobs/" + id + "/losses").json().get("train"))
                .isEqualTo(second.get("/jobs/" + uninterrupted.get("id").asString() + "/losses")
                        .json()
                        .get("train"));
    }

    /**
     * A checkpoint row that decodes but is not of this job's network (another architecture, as a row
     * damaged or restored from elsewhere could be) cannot be continued: the job trains from its seed,
     * as for any unusable checkpoint, instead of carrying on with the foreign network and storing it as
     * its model.
     */
    @Test
    void aCheckpointOfAnotherNetworkIsDroppedAndTheJobTrainsFromItsSeed() throws Exception {
        Http first = new Http(port(start()));
        // Still running when the instance stops however fast this machine trains (a job of 15,000
        // iterations could pass this job's iterations, or end, between the status read and the stop).
        String other =
                first.post("/jobs", slowSpec(1_000_000)).expect(202).get("id").asString();
        // More than the other job trains before the stop (a few thousand iterations at most after the
        // iteration-100 mark): its checkpoint must lie within this job's iterations (checked below).
        int iterations = 40_000;
        Map<String, Object> spec = ApiContract.hw5Spec("checkpoint of another network", iterations);
        spec.put("layers", List.of(8));
        // Queued behind the other job (one worker), so it has no checkpoint of its own yet.
        String id = first.post("/jobs", spec).expect(202).get("id").asString();
        awaitPastIteration(first, other, 100);

        contexts.remove(0).close();
        // The other job's checkpoint, a [.., 16, 16, 1] network, stored as this job's.
        try (Connection db = stoppedDatabase();
                PreparedStatement copy = db.prepareStatement("""
                        INSERT INTO job_checkpoints (job_id, iteration, state, created_at)
                        SELECT ?, iteration, state, created_at FROM job_checkpoints WHERE job_id = ? AND iteration < ?""")) {
            copy.setString(1, id);
            copy.setString(2, other);
            copy.setInt(3, iterations);
            assertThat(copy.executeUpdate())
                    .as("a checkpoint within this job's iterations")
                    .isEqualTo(1);
        }

        Http second = new Http(port(start()));
        // The other job has done its part; it would hold the one worker for a long while.
        second.post("/jobs/" + other + "/cancel", "").expect(202);
        JsonNode done = awaitSucceeded(second, id);
        assertThat(done.get("resumedFrom").asInt()).as("from its seed").isZero();
        JsonNode model = second.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(model.get("layerSizes")).isEqualTo(done.get("layerSizes"));
        assertHistoryIsWholeAndInOrder(second, id, iterations);
        JsonNode uninterrupted = awaitSucceeded(
                second, second.post("/jobs", spec).expect(202).get("id").asString());
        assertThat(model.get("weights"))
                .isEqualTo(second.get("/models/" + uninterrupted.get("modelId").asString())
                        .expect(200)
                        .get("weights"));
    }

    /**
     * A request with an {@code Idempotency-Key} that was being handled when the process died left its
     * claim behind, with nothing created (the creation and its answer commit together). On the
     * embedded database nothing can still be handling it after a start, so the client's retry runs
     * at once instead of hearing "still being handled; retry in a moment" (409) for ten minutes.
     */
    @Test
    void aRetryWithTheIdempotencyKeyOfARequestTheProcessDiedInRunsAfterTheNextStart() throws Exception {
        String body = Http.JSON.writeValueAsString(ApiContract.hw5Spec("retried after a crash", 5));
        String key = java.util.UUID.randomUUID().toString();
        start();
        contexts.remove(0).close();
        // What the dead process left: its claim of the key, never completed.
        try (Connection db = stoppedDatabase();
                PreparedStatement claim = db.prepareStatement("""
                        INSERT INTO idempotency_keys (owner, idem_key, endpoint, request_hash, created_at)
                        VALUES ('admin', ?, '/jobs', ?, CURRENT_TIMESTAMP)""")) {
            claim.setString(1, key);
            // The filter's request hash: query string, content type and body, NUL-separated.
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update("null\0application/json\0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            claim.setString(2, java.util.HexFormat.of().formatHex(digest.digest()));
            assertThat(claim.executeUpdate()).isEqualTo(1);
        }

        Http restarted = new Http(port(start()));
        Http.Response retried = restarted.send(java.net.http.HttpRequest.newBuilder(restarted.uri("/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));

        assertThat(retried.status()).as(retried.text()).isEqualTo(202);
        assertThat(restarted
                        .get("/jobs?name=retried%20after%20a%20crash")
                        .expect(200)
                        .get("items"))
                .hasSize(1);
    }

    @Test
    void uploadedDataSetsAndImportedModelsSurviveARestart() {
        Http first = new Http(port(start()));
        String dataset = first.post("/datasets?name=kept", "text/csv", "a,b,y\n1,2,3\n4,5,6\n7,8,9\n")
                .expect(201)
                .get("id")
                .asString();
        String model = first.post(
                        "/models",
                        java.util.Map.of(
                                "layerSizes",
                                List.of(2, 1),
                                "activation",
                                "none",
                                "weights",
                                java.util.Map.of("W0", new double[][] {{1}, {2}})))
                .expect(201)
                .get("id")
                .asString();

        contexts.remove(0).close();

        Http second = new Http(port(start()));
        JsonNode kept = second.get("/datasets/" + dataset).expect(200);
        assertThat(kept.get("trainRows").asInt()).isEqualTo(3);
        assertThat(kept.get("columns").toString()).isEqualTo("[\"a\",\"b\",\"y\"]");
        JsonNode predicted = second.post("/models/" + model + "/predictions", java.util.Map.of("x", new double[][] {
                    {1, 1}
                }))
                .expect(200);
        assertThat(predicted.at("/y/0/0").asDouble()).isEqualTo(3.0);
    }

    @Test
    void aJobRunningWhenTheProcessIsKilledResumesFromItsLastCheckpointAndEndsBitIdentical() throws Exception {
        int port = freePort();
        child = startChildProcess(port);
        Http crashing = new Http(port);
        await().atMost(STARTUP)
                .ignoreExceptions()
                .until(() -> crashing.get("/actuator/health").status() == 200);
        String id =
                crashing.post("/jobs", slowSpec(15_000)).expect(202).get("id").asString();
        // A random point of the run, after at least one checkpoint (every 300 ms in the child).
        int killAfter = 1_000 + new Random().nextInt(8_000);
        await().atMost(STARTUP)
                .until(() -> crashing.get("/jobs/" + id)
                        .json()
                        .get("status")
                        .asString()
                        .equals("RUNNING"));
        long running = System.nanoTime();
        await().atMost(STARTUP)
                .until(() -> iteration(crashing, id) > killAfter && System.nanoTime() - running > 1_000_000_000L);
        int seenBeforeKill = iteration(crashing, id);

        child.destroyForcibly().waitFor(); // kill -9

        Http restarted = new Http(port(start()));
        JsonNode done = awaitSucceeded(restarted, id);
        int resumedFrom = done.get("resumedFrom").asInt();
        System.out.printf(
                "kill -9 after iteration %d (target %d); resumed from checkpoint at %d%n",
                seenBeforeKill, killAfter, resumedFrom);
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        assertThat(resumedFrom).as("resumed from a checkpoint, not from 0").isGreaterThan(0);
        JsonNode attempts = done.get("attemptHistory");
        assertThat(attempts.size()).as("%s", attempts).isEqualTo(2);
        assertThat(attempts.at("/0/number").asInt()).isEqualTo(1);
        assertThat(attempts.at("/0/outcome").asString())
                .as("the killed attempt, closed by the recovery at the next start")
                .isEqualTo("lost");
        assertThat(attempts.at("/0/resumedFrom").asInt()).as("from the seed").isZero();
        assertThat(attempts.at("/1/number").asInt()).isEqualTo(2);
        assertThat(attempts.at("/1/outcome").asString()).isEqualTo("succeeded");
        assertThat(attempts.at("/1/resumedFrom").asInt()).isEqualTo(resumedFrom);
        assertHistoryIsWholeAndInOrder(restarted, id, 15_000);

        String again =
                restarted.post("/jobs", slowSpec(15_000)).expect(202).get("id").asString();
        JsonNode uninterrupted = awaitSucceeded(restarted, again);
        assertThat(done.get("trainLoss").asDouble())
                .as("same seed, same result, crash or not")
                .isEqualTo(uninterrupted.get("trainLoss").asDouble());
        JsonNode resumedModel =
                restarted.get("/models/" + done.get("modelId").asString()).expect(200);
        JsonNode referenceModel = restarted
                .get("/models/" + uninterrupted.get("modelId").asString())
                .expect(200);
        // Shortest round-trip decimal forms: equal text means bit-identical doubles.
        assertThat(resumedModel.get("weights")).isEqualTo(referenceModel.get("weights"));
        assertThat(resumedModel.get("biases")).isEqualTo(referenceModel.get("biases"));
        assertThat(restarted.get("/jobs/" + id + "/losses").json().get("train"))
                .as("the whole curve, before and after the crash")
                .isEqualTo(restarted.get("/jobs/" + again + "/losses").json().get("train"));
    }

    @Test
    void aJobInterruptedTooOftenEndsFailedInsteadOfRunningForever() throws Exception {
        int port = freePort();
        child = startChildProcess(port);
        Http crashing = new Http(port);
        await().atMost(STARTUP)
                .ignoreExceptions()
                .until(() -> crashing.get("/actuator/health").status() == 200);
        String id = crashing.post("/jobs", slowSpec(1_000_000))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(STARTUP)
                .until(() -> crashing.get("/jobs/" + id)
                        .json()
                        .get("status")
                        .asString()
                        .equals("RUNNING"));
        // Past a checkpoint (every 300 ms in the child), which the failed job must not keep.
        long running = System.nanoTime();
        await().atMost(STARTUP)
                .until(() -> System.nanoTime() - running > 1_000_000_000L && iteration(crashing, id) > 0);
        child.destroyForcibly().waitFor();
        try (Connection db = stoppedDatabase();
                PreparedStatement stalled = db.prepareStatement("SELECT stalled_attempts FROM jobs WHERE id = ?");
                PreparedStatement update =
                        db.prepareStatement("UPDATE jobs SET attempts = 3, stalled_attempts = 3 WHERE id = ?")) {
            assertThat(checkpoints(db, id)).as("checkpointed before the crash").isEqualTo(1);
            stalled.setString(1, id);
            try (var rs = stalled.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1))
                        .as("a checkpoint after the claim: the attempt got somewhere, nothing stalled")
                        .isZero();
            }
            // As if this were the third crash in a row without a new checkpoint.
            update.setString(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        ConfigurableApplicationContext context = start();
        Http restarted = new Http(port(context));

        JsonNode failed = restarted.get("/jobs/" + id).expect(200);
        assertThat(failed.get("status").asString()).isEqualTo("FAILED");
        assertThat(failed.at("/error/type").asString()).isEqualTo("interrupted");
        assertThat(failed.at("/error/detail").asString()).contains("interrupted 3 times in a row");
        assertThat(failed.get("attemptHistory").size()).isEqualTo(1);
        assertThat(failed.at("/attemptHistory/0/outcome").asString()).isEqualTo("lost");
        assertThat(failed.at("/attemptHistory/0/endedAt").isNull()).isFalse();
        assertThat(context.getBean(JdbcClient.class)
                        .sql("SELECT COUNT(*) FROM job_checkpoints WHERE job_id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .as("the checkpoint of a job that will never resume")
                .isZero();
    }

    private static int checkpoints(Connection db, String id) throws java.sql.SQLException {
        try (PreparedStatement count = db.prepareStatement("SELECT COUNT(*) FROM job_checkpoints WHERE job_id = ?")) {
            count.setString(1, id);
            try (java.sql.ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /**
     * A clean stop (or SIGTERM) leaves a {@code handed-back} entry, which {@code attempts} does not
     * count, and the next start resumes where it was handed back.
     */
    private static void assertHandedBackThenResumed(JsonNode done) {
        JsonNode attempts = done.get("attemptHistory");
        assertThat(attempts.size()).as("%s", attempts).isEqualTo(2);
        assertThat(attempts.at("/0/outcome").asString()).isEqualTo("handed-back");
        assertThat(attempts.at("/0/resumedFrom").asInt()).isZero();
        assertThat(attempts.at("/0/endedAt").isNull()).isFalse();
        assertThat(attempts.at("/1/number").asInt()).isEqualTo(2);
        assertThat(attempts.at("/1/outcome").asString()).isEqualTo("succeeded");
        assertThat(attempts.at("/1/resumedFrom").asInt())
                .isEqualTo(done.get("resumedFrom").asInt());
    }

    /** Exactly the points 0..iterations, in order: no gap, no duplicate. */
    private void assertHistoryIsWholeAndInOrder(Http http, String id, int iterations) {
        ApiContract.assertWholeAndInOrder(
                http.get("/jobs/" + id + "/losses").expect(200).get("iteration"), iterations);
    }

    private static JsonNode awaitSucceeded(Http http, String id) {
        await().atMost(STARTUP)
                .until(
                        () -> http.get("/jobs/" + id).json().get("status").asString(),
                        s -> s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED"));
        JsonNode job = http.get("/jobs/" + id).json();
        assertThat(job.get("status").asString()).as("%s", job).isEqualTo("SUCCEEDED");
        return job;
    }

    private static Map<String, Object> slowSpec(int iterations) {
        Map<String, Object> spec = ApiContract.hw5Spec("restart", iterations);
        spec.put("layers", List.of(16, 16));
        return spec;
    }

    private ConfigurableApplicationContext start() {
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(TrainyardApplication.class).run(arguments(0));
        contexts.add(context);
        return context;
    }

    private String[] arguments(int port) {
        return new String[] {
            "--server.port=" + port,
            "--trainyard.data-dir=" + dataDir,
            "--trainyard.workers=1",
            "--trainyard.history-flush-interval=200ms",
            "--trainyard.checkpoint-interval=300ms",
            // The out-of-memory job must reach the worker even where a memory budget would refuse it.
            "--trainyard.limits.max-job-memory=8GB",
            "--trainyard.limits.memory-budget=8GB",
            "--spring.jmx.enabled=false"
        };
    }

    private Process startChildProcess(int port, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TrainyardApplication.class.getName());
        command.addAll(List.of(arguments(port)));
        File log = Files.createTempFile("trainyard-child", ".log").toFile();
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
    }

    /**
     * A forked service whose start-up {@link SlowStartUp} holds up. {@code throughParent}: launched as
     * {@code java -jar} is, a parent JVM without the vector module that relaunches the service as its
     * child ({@link JvmRelaunch}); the returned process is then the parent.
     */
    private Process startSlowlyStartingChild(int port, Path log, boolean throughParent) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (throughParent) {
            command.add("-Dtrainyard.relaunch=class-path");
        } else {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TrainyardApplication.class.getName());
        command.addAll(List.of(arguments(port)));
        command.add("--spring.main.sources=" + SlowStartUp.class.getName());
        // The warm-up runs as in production (the default rehearsal), beside the slow build.
        command.add("--trainyard.warmup-iterations=16000");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The job's latest iteration as its status says. */
    private static int iteration(Http http, String id) {
        return http.get("/jobs/" + id).json().at("/progress/iteration").asInt();
    }

    /** Waits until the job is past {@code iteration}: far enough for a checkpoint to matter. */
    private static void awaitPastIteration(Http http, String id, int iteration) {
        await().atMost(STARTUP).until(() -> iteration(http, id) > iteration);
    }
}
