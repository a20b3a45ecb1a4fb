package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * Three instances (child JVMs, so they can be frozen with SIGSTOP and killed with SIGKILL) share one
 * PostgreSQL, after db-scheduler's cluster tests: every job is trained exactly once (one model, one
 * history of exactly iterations + 1 points), a frozen owner's job moves to another instance and
 * resumes from its checkpoint while the frozen one, thawed, writes nothing, a cancel made while the
 * job waits for recovery is honoured, and an instance killed while training loses nothing: its jobs
 * resume elsewhere from their checkpoints. The figures are printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTests {

    // Upper bounds only: a forked Spring Boot JVM has been seen to need over three minutes to start
    // on a 2-core machine shared with several builds.
    private static final Duration TIMEOUT = Duration.ofSeconds(600);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    private static final int INSTANCE_COUNT = 3;

    private static final Map<String, Instance> INSTANCES = new LinkedHashMap<>();
    private static DataSource database;

    private record Instance(String name, Process process, Http http, Path log) {}

    @BeforeAll
    static void startInstances() throws Exception {
        try (Connection db =
                PostgresApiIntegrationTests.POSTGRES.getPostgresDatabase().getConnection()) {
            db.createStatement().execute("CREATE DATABASE cluster");
        }
        database = PostgresApiIntegrationTests.POSTGRES.getDatabase("postgres", "cluster");
        String url = PostgresApiIntegrationTests.POSTGRES
                .getJdbcUrl("postgres", "postgres")
                .replace("/postgres?", "/cluster?");
        // The first one alone creates the schema (Flyway), then the others join, starting side by side.
        start("instance-1", url);
        awaitUp(INSTANCES.get("instance-1"));
        for (int i = 2; i <= INSTANCE_COUNT; i++) {
            start("instance-" + i, url);
        }
        INSTANCES.values().forEach(ClusterTests::awaitUp);
    }

    @AfterAll
    static void stopInstances() {
        for (Instance instance : INSTANCES.values()) {
            signal("CONT", instance.process());
            instance.process().destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void aFrozenOwnersJobMovesResumesFromItsCheckpointAndTheThawedOwnerWritesNothing() throws Exception {
        Http via = INSTANCES.get("instance-1").http();
        String id = via.post("/jobs", longSpec("frozen", 15_000))
                .expect(202)
                .get("id")
                .asString();
        Instance owner = awaitRunningPastCheckpoint(via, id);
        int before = via.get("/jobs/" + id).json().at("/progress/iteration").asInt();

        signal("STOP", owner.process());
        Http observer = other(owner).http();
        try {
            await().atMost(TIMEOUT)
                    .until(
                            () -> observer.get("/jobs/" + id).json(),
                            job -> job.get("status").asString().equals("RUNNING")
                                    && !job.get("instance").asString().equals(owner.name()));
            // Keep it frozen until the new owner is well past where the frozen one stopped, so that it
            // wakes up in the middle of a run that is no longer its own.
            await().atMost(TIMEOUT)
                    .until(() -> observer.get("/jobs/" + id)
                                    .json()
                                    .at("/progress/iteration")
                                    .asInt()
                            > before + 2_000);
        } finally {
            signal("CONT", owner.process());
        }

        JsonNode done = awaitFinished(observer, id);
        assertThat(done.get("status").asString()).as("%s", done).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        int resumedFrom = done.get("resumedFrom").asInt();
        System.out.printf(
                "Frozen owner %s at iteration >= %d; job taken over by %s, resumed from checkpoint %d%n",
                owner.name(), before, done.get("instance").asString(), resumedFrom);
        assertThat(resumedFrom).as("resumed from a checkpoint, not from 0").isGreaterThan(0);
        JsonNode attempts = done.get("attemptHistory");
        assertThat(attempts.size()).as("%s", attempts).isEqualTo(2);
        assertAttempt(attempts.get(0), 1, owner.name(), "lost");
        assertAttempt(attempts.get(1), 2, done.get("instance").asString(), "succeeded");
        assertThat(attempts.at("/1/resumedFrom").asInt()).isEqualTo(resumedFrom);
        // The heartbeat may log "claim lost" first; the runner's own line can follow it. The thawed owner
        // finds the claim gone between iterations; or a write it left half-done was cut off by the database
        // while it was frozen (PostgreSQL ends transactions idle for longer than the stalled-session limit),
        // and the next statement on that connection fails: the runner takes that for an unreachable database
        // and stops to be recovered, or (a failure of another kind) fails the run, whose final status the
        // fence then refuses. All three are the runner stopping on its own, writing nothing.
        java.util.function.Predicate<String> stoppedOnItsOwn = log -> java.util.regex.Pattern.compile("Job " + id
                        + "(: its claim was taken over"
                        + "|: the database could not be reached"
                        + "| finished as [A-Z]+ but its claim had been taken over)")
                .matcher(log)
                .find();
        await().atMost(TIMEOUT).until(() -> stoppedOnItsOwn.test(Files.readString(owner.log())));
        Audit audit = audit(Set.of(id));
        assertThat(audit.duplicates())
                .as("history points or models written twice")
                .isZero();
        assertThat(audit.broken()).as("jobs whose history has a gap").isEmpty();

        String again = observer.post("/jobs", longSpec("frozen reference", 15_000))
                .expect(202)
                .get("id")
                .asString();
        JsonNode reference = awaitFinished(observer, again);
        assertThat(observer.get("/models/" + done.get("modelId").asString())
                        .json()
                        .get("weights"))
                .as("bit-identical to an uninterrupted run")
                .isEqualTo(observer.get("/models/" + reference.get("modelId").asString())
                        .json()
                        .get("weights"));
    }

    @Test
    @Order(2)
    void aCancelMadeWhileTheOwnerIsFrozenIsHonouredByTheRecovery() throws Exception {
        Http via = INSTANCES.get("instance-2").http();
        String id = via.post("/jobs", longSpec("cancel while frozen", 1_000_000))
                .expect(202)
                .get("id")
                .asString();
        Instance owner = awaitRunningPastCheckpoint(via, id);

        signal("STOP", owner.process());
        Http observer = other(owner).http();
        try {
            JsonNode answer = observer.post("/jobs/" + id + "/cancel", "").expect(202);
            assertThat(answer.get("status").asString()).isEqualTo("RUNNING");
            assertThat(answer.get("cancelRequested").asBoolean()).isTrue();
            await().atMost(TIMEOUT)
                    .until(
                            () -> observer.get("/jobs/" + id)
                                    .json()
                                    .get("status")
                                    .asString(),
                            "CANCELLED"::equals);
        } finally {
            signal("CONT", owner.process());
        }
        JsonNode job = observer.get("/jobs/" + id).json();
        assertThat(job.get("attempts").asInt()).as("never trained again").isEqualTo(1);
        assertThat(job.get("modelId").isNull()).isTrue();
        assertThat(job.get("attemptHistory").size()).isEqualTo(1);
        assertAttempt(job.at("/attemptHistory/0"), 1, owner.name(), "lost");
    }

    @Test
    @Order(3)
    void threeHundredJobsAreEachTrainedExactlyOnceThoughAnInstanceIsKilledWhileTraining() throws Exception {
        int jobs = 300;
        int iterations = 200;
        List<Instance> all = List.copyOf(INSTANCES.values());
        Instance victim = all.get(all.size() - 1);
        List<Instance> survivors = all.subList(0, all.size() - 1);
        // A long job on the victim, past a checkpoint, so that the kill is sure to interrupt training.
        List<String> longJobs = new ArrayList<>();
        String interrupted = longJobRunningOn(victim, longJobs);

        // The short jobs go in while it trains (on a loaded machine submitting them all takes longer
        // than the long job), through the instances that survive, so no submission races the kill.
        List<String> ids = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> submitting = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < jobs; i++) {
                Map<String, Object> spec = ApiContract.hw5Spec("cluster-" + i, iterations);
                spec.put("layers", List.of(8));
                spec.put("seed", i);
                ids.add(survivors
                        .get(i % survivors.size())
                        .http()
                        .post("/jobs", spec)
                        .expect(202)
                        .get("id")
                        .asString());
            }
        });
        await().atMost(TIMEOUT).until(() -> countSucceeded(ids) >= 10 || submitting.isDone());
        Map<String, Integer> runningOnVictim = running(victim);
        victim.process().destroyForcibly().waitFor(); // kill -9 in the middle of the run
        long killedAt = System.nanoTime();
        assertThat(runningOnVictim)
                .as("the victim was training the long job when it was killed")
                .containsKey(interrupted);

        Http observer = all.get(0).http();
        JsonNode resumed = awaitFinished(observer, interrupted);
        double takeover = (System.nanoTime() - killedAt) / 1e9;
        submitting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ids).hasSize(jobs);
        List<String> everything = new ArrayList<>(ids);
        everything.addAll(longJobs);
        await().atMost(TIMEOUT).until(() -> countFinished(everything) == everything.size());
        Audit audit = audit(Set.copyOf(everything));
        Map<String, Integer> byInstance = new TreeMap<>();
        int succeeded = 0;
        int retried = 0;
        int lostAttempts = 0;
        for (String id : ids) {
            JsonNode job = observer.get("/jobs/" + id).json();
            succeeded += job.get("status").asString().equals("SUCCEEDED") ? 1 : 0;
            retried += job.get("attempts").asInt() > 1 ? 1 : 0;
            for (JsonNode attempt : job.get("attemptHistory")) {
                lostAttempts += attempt.get("outcome").asString().equals("lost") ? 1 : 0;
            }
            byInstance.merge(job.get("instance").asString(), 1, Integer::sum);
        }
        JsonNode attempts = resumed.get("attemptHistory");
        System.out.printf(
                "Cluster: %d jobs of %d iterations + %d long on %d instances; %s killed while running %d jobs %s;"
                        + " %d short jobs succeeded, %d retried (%d attempts lost), %d duplicates, %d lost or"
                        + " broken, by instance %s; the long job, killed at iteration %d, resumed on %s from"
                        + " checkpoint %d and ended %s %.1f s after the kill%n",
                jobs,
                iterations,
                longJobs.size(),
                all.size(),
                victim.name(),
                runningOnVictim.size(),
                runningOnVictim.values(),
                succeeded,
                retried,
                lostAttempts,
                audit.duplicates(),
                audit.broken().size(),
                byInstance,
                runningOnVictim.get(interrupted),
                resumed.get("instance").asString(),
                resumed.get("resumedFrom").asInt(),
                resumed.get("status").asString(),
                takeover);
        assertThat(succeeded).isEqualTo(jobs);
        assertThat(audit.duplicates()).isZero();
        assertThat(audit.broken()).isEmpty();
        assertThat(audit.models()).isEqualTo(jobs + longJobs.size());

        assertThat(resumed.get("status").asString()).as("%s", resumed).isEqualTo("SUCCEEDED");
        assertThat(resumed.get("attempts").asInt()).isEqualTo(2);
        assertThat(attempts.size()).as("%s", attempts).isEqualTo(2);
        assertAttempt(attempts.get(0), 1, victim.name(), "lost");
        assertAttempt(attempts.get(1), 2, resumed.get("instance").asString(), "succeeded");
        assertThat(resumed.get("instance").asString()).isNotEqualTo(victim.name());
        assertThat(attempts.at("/1/resumedFrom").asInt())
                .as("resumed from a checkpoint, not from 0")
                .isPositive();
    }

    /**
     * Submits long jobs through {@code instance} until one of them runs there (another instance may
     * claim one first) and has stored a checkpoint; every job submitted is added to {@code submitted}.
     */
    private static String longJobRunningOn(Instance instance, List<String> submitted) {
        for (int tries = 0; tries < 5; tries++) {
            String id = instance.http()
                    .post("/jobs", longSpec("long on " + instance.name(), 30_000))
                    .expect(202)
                    .get("id")
                    .asString();
            submitted.add(id);
            if (awaitRunningPastCheckpoint(instance.http(), id) == instance) {
                return id;
            }
        }
        throw new AssertionError("none of 5 long jobs submitted through " + instance.name() + " ran there");
    }

    /** The jobs {@code instance} holds a claim on, with their latest stored iteration. */
    private static Map<String, Integer> running(Instance instance) throws SQLException {
        Map<String, Integer> jobs = new TreeMap<>();
        try (Connection db = database.getConnection();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("SELECT id, progress_iteration FROM jobs WHERE status = 'RUNNING'"
                        + " AND claimed_by = '" + instance.name() + "'")) {
            while (rs.next()) {
                jobs.put(rs.getString(1), rs.getInt(2));
            }
        }
        return jobs;
    }

    private static void assertAttempt(JsonNode attempt, int number, String instance, String outcome) {
        assertThat(attempt.get("number").asInt()).as("%s", attempt).isEqualTo(number);
        assertThat(attempt.get("instance").asString()).as("%s", attempt).isEqualTo(instance);
        assertThat(attempt.get("outcome").asString()).as("%s", attempt).isEqualTo(outcome);
        assertThat(attempt.get("endedAt").isNull()).as("%s", attempt).isFalse();
    }

    /** What the database holds for some jobs: models and history points written more than once, and jobs with a gap. */
    private record Audit(int models, int duplicates, List<String> broken) {}

    private static Audit audit(Set<String> ids) throws SQLException {
        Map<String, Integer> models = new HashMap<>();
        Map<String, List<int[]>> batches = new HashMap<>();
        Map<String, Integer> iterations = new HashMap<>();
        try (Connection db = database.getConnection();
                Statement sql = db.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT job_id FROM models WHERE job_id IS NOT NULL")) {
                while (rs.next()) {
                    models.merge(rs.getString(1), 1, Integer::sum);
                }
            }
            try (ResultSet rs = sql.executeQuery("SELECT job_id, first_iteration, point_count FROM job_history"
                    + " ORDER BY job_id, first_iteration")) {
                while (rs.next()) {
                    batches.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new int[] {rs.getInt(2), rs.getInt(3)});
                }
            }
            try (ResultSet rs = sql.executeQuery("SELECT id, iterations FROM jobs")) {
                while (rs.next()) {
                    iterations.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        int modelCount = 0;
        int duplicates = 0;
        List<String> broken = new ArrayList<>();
        for (String id : ids) {
            int stored = models.getOrDefault(id, 0);
            modelCount += stored;
            duplicates += Math.max(0, stored - 1);
            int next = 0;
            for (int[] batch : batches.getOrDefault(id, List.of())) {
                if (batch[0] < next) {
                    duplicates += next - batch[0];
                } else if (batch[0] > next) {
                    broken.add(id);
                }
                next = Math.max(next, batch[0] + batch[1]);
            }
            if (next != iterations.get(id) + 1 && !broken.contains(id)) {
                broken.add(id);
            }
        }
        return new Audit(modelCount, duplicates, broken);
    }

    private static int countSucceeded(List<String> ids) throws SQLException {
        return count(ids, "status = 'SUCCEEDED'");
    }

    private static int countFinished(List<String> ids) throws SQLException {
        return count(ids, "status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')");
    }

    private static int count(List<String> ids, String condition) throws SQLException {
        try (Connection db = database.getConnection();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("SELECT id FROM jobs WHERE " + condition)) {
            int n = 0;
            Set<String> wanted = Set.copyOf(ids);
            while (rs.next()) {
                n += wanted.contains(rs.getString(1)) ? 1 : 0;
            }
            return n;
        }
    }

    /** Waits until the job runs and has stored at least one checkpoint (every 300 ms), and names its owner. */
    private static Instance awaitRunningPastCheckpoint(Http http, String id) {
        await().atMost(TIMEOUT)
                .until(() ->
                        http.get("/jobs/" + id).json().at("/progress/iteration").asInt() > 500);
        await().atMost(TIMEOUT).until(() -> {
            try (Connection db = database.getConnection();
                    Statement sql = db.createStatement();
                    ResultSet rs =
                            sql.executeQuery("SELECT COUNT(*) FROM job_checkpoints WHERE job_id = '" + id + "'")) {
                return rs.next() && rs.getInt(1) == 1;
            }
        });
        return INSTANCES.get(http.get("/jobs/" + id).json().get("instance").asString());
    }

    private static Instance other(Instance instance) {
        return INSTANCES.values().stream()
                .filter(i -> i != instance && i.process().isAlive())
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode awaitFinished(Http http, String id) {
        await().atMost(TIMEOUT)
                .until(
                        () -> http.get("/jobs/" + id).json().get("status").asString(),
                        s -> s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED"));
        return http.get("/jobs/" + id).json();
    }

    private static Map<String, Object> longSpec(String name, int iterations) {
        Map<String, Object> spec = ApiContract.hw5Spec(name, iterations);
        spec.put("layers", List.of(16, 16));
        return spec;
    }

    private static void signal(String signal, Process process) {
        if (!process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void start(String name, String url) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("trainyard-" + name, ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                TrainyardApplication.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--spring.datasource.hikari.maximum-pool-size=5",
                "--trainyard.data-dir=" + Files.createTempDirectory("trainyard-" + name),
                "--trainyard.instance-id=" + name,
                "--trainyard.workers=2",
                "--trainyard.heartbeat-interval=300ms",
                "--trainyard.heartbeat-timeout=" + HEARTBEAT_TIMEOUT.toMillis() + "ms",
                "--trainyard.poll-interval=200ms",
                "--trainyard.history-flush-interval=200ms",
                "--trainyard.checkpoint-interval=300ms",
                "--spring.jmx.enabled=false"));
        File output = log.toFile();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output)
                .start();
        System.out.printf("Started %s (pid %d, port %d, log %s)%n", name, process.pid(), port, log);
        INSTANCES.put(name, new Instance(name, process, new Http(port), log));
    }

    private static void awaitUp(Instance instance) {
        await().atMost(TIMEOUT)
                .ignoreExceptions()
                .until(() -> instance.http().get("/actuator/health/readiness").status() == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
