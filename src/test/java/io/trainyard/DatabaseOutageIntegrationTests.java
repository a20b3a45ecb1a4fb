package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
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

import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.support.EmbeddedPostgresServers;
import io.trainyard.support.Http;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL stopped under a running instance, then started again: readiness goes DOWN at once (the
 * instance leaves the load balancer) while liveness stays UP, API requests answer 503 problem+json
 * with Retry-After instead of a 500 incident, and everything comes back when the database does.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            // How long the workers (and the readiness check) wait for a connection (30 s by default).
            // Requests do not wait for it once the check has found the database gone.
            "spring.datasource.hikari.connection-timeout=" + DatabaseOutageIntegrationTests.CONNECTION_TIMEOUT_MS,
            // A lease short enough for an outage to outlast it, and frequent checkpoints to resume from.
            "trainyard.heartbeat-interval=500ms",
            "trainyard.heartbeat-timeout=4s",
            "trainyard.history-flush-interval=200ms",
            "trainyard.checkpoint-interval=500ms",
        })
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageIntegrationTests {

    static final long CONNECTION_TIMEOUT_MS = 3000;

    /** Iterations of the jobs the outages interrupt ({@link #spec}). */
    private static final int ITERATIONS = 100_000;

    static final Path PG_DATA = temp("trainyard-outage-pg");
    static EmbeddedPostgres postgres = start(0);
    static final int PG_PORT = postgres.getPort();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RunningJobs running;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", () -> temp("trainyard-outage").toString());
        // The restarted server keeps the port, so the first server's URL stays right.
        EmbeddedPostgresServers.use(registry, postgres);
    }

    /** The same cluster (data directory and port) every time, so a restart brings the same database back. */
    private static EmbeddedPostgres start(int port) {
        EmbeddedPostgres.Builder builder =
                EmbeddedPostgres.builder().setDataDirectory(PG_DATA).setCleanDataDirectory(false);
        return EmbeddedPostgresServers.start(port == 0 ? builder : builder.setPort(port));
    }

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test that failed mid-outage leaves the next one a started database, but a check still to notice it. */
    @BeforeEach
    void databaseAnswers() {
        Http http = new Http(port);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(http.get("/actuator/health/readiness").status())
                                .isEqualTo(200));
    }

    @Test
    void readinessFollowsTheDatabaseAndRequestsAnswer503WhileItIsGone(CapturedOutput output) throws Exception {
        Http http = new Http(port);
        // A user's key, never used yet: not in the key cache, so checking it needs the database.
        String userKey = http.post("/keys", java.util.Map.of("name", "outage-user", "role", "user"))
                .expect(201)
                .get("key")
                .asString();
        String job = http.post("/jobs", "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5}")
                .expect(202)
                .get("id")
                .asString();
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);

        postgres.close();
        try {
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(
                                    http.get("/actuator/health/readiness").status())
                            .isEqualTo(503));
            assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
            // A monitor sending a key the cache does not hold: liveness must not depend on the database.
            long probed = System.nanoTime();
            assertThat(http.as(userKey).get("/actuator/health/liveness").status())
                    .as("liveness with a key not in the cache")
                    .isEqualTo(200);
            assertAnsweredAtOnce(probed, "liveness with a key not in the cache");
            assertThat(http.get("/actuator/health").status())
                    .as("the overall health answers at once too")
                    .isEqualTo(503);

            long before = System.nanoTime();
            Http.Response answer = http.get("/jobs/" + job);
            assertAnsweredAtOnce(before, "GET /jobs/{id}");
            assertThat(answer.status()).as(answer.text()).isEqualTo(503);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.header("Retry-After")).isEqualTo("5");
            assertThat(answer.json().get("type").asString()).endsWith("/service-unavailable");
            assertThat(answer.json().get("detail").asString()).contains("database cannot be reached");
            Http.Response submit = http.post("/jobs", "{\"dataset\": \"hw5\", \"alpha\": 0.001}");
            assertThat(submit.status())
                    .as("a write, whose transaction cannot start: %s", submit.text())
                    .isEqualTo(503);
            assertThat(submit.header("Retry-After")).isEqualTo("5");

            // The key is checked before any handler runs: the same answer, and no stack trace in the log.
            int logged = output.getOut().length();
            before = System.nanoTime();
            Http.Response unchecked = http.as(userKey).get("/jobs");
            assertAnsweredAtOnce(before, "a key not in the cache");
            assertThat(unchecked.status()).as(unchecked.text()).isEqualTo(503);
            assertThat(unchecked.contentType()).startsWith("application/problem+json");
            assertThat(unchecked.header("Retry-After")).isEqualTo("5");
            assertThat(output.getOut().substring(logged))
                    .as("what the server logged for that request")
                    .contains("Database unavailable")
                    .doesNotContain("Servlet.service()")
                    .doesNotContain("at io.trainyard.security.BearerKeyFilter");

            // The metrics too: a scrape waited 30 s, longer than Prometheus waits, exactly during an outage.
            before = System.nanoTime();
            Http.Response scrape = http.get("/actuator/prometheus");
            assertAnsweredAtOnce(before, "GET /actuator/prometheus");
            assertThat(scrape.status()).isEqualTo(503);
            assertThat(scrape.header("Retry-After")).isEqualTo("5");
        } finally {
            postgres = start(PG_PORT);
        }

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(http.get("/actuator/health/readiness").status())
                                .isEqualTo(200));
        assertThat(http.get("/jobs/" + job).expect(200).get("id").asString()).isEqualTo(job);
    }

    /**
     * The database gone while a job trains, for longer than its lease and than the history writer
     * keeps trying a batch: the job is not failed (it was, as {@code internal}, with a 4,096-point gap
     * in its stored history). Its worker stops without writing anything more, the recovery re-queues
     * it once the database is back (attempt {@code lost}), and it resumes from its checkpoint: its
     * history is whole and its results are those of an uninterrupted run.
     */
    @Test
    void aJobTrainingThroughAnOutageLongerThanItsLeaseResumesFromItsCheckpointAndEndsAsAnUninterruptedRun(
            CapturedOutput output) throws Exception {
        Http http = new Http(port);
        String id = http.post("/jobs", spec("through an outage"))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpointOf(id) > 0);

        postgres.close();
        try {
            assertStillTraining(id);
            // Its worker let go while the database is still away: it could not store, and did not fail the job.
            await().atMost(Duration.ofSeconds(60)).until(() -> running.get(id) == null);
        } finally {
            postgres = start(PG_PORT);
        }

        assertRecoveredAsUninterrupted(http, id, output);
    }

    /**
     * History batches refused with PostgreSQL's "terminating connection" (the error of a reset or
     * failover) for longer than the writer keeps trying, while the rest of the database answers: the
     * audited failure, where the job's {@code FAILED internal} was written at once. Now its worker lets
     * go without a verdict, its claim lapses, and the recovery resumes it from its checkpoint.
     */
    @Test
    void historyWritesRefusedAsConnectionLossDoNotFailTheJobWhileTheDatabaseAnswersTheRest(CapturedOutput output)
            throws Exception {
        Http http = new Http(port);
        String id = http.post("/jobs", spec("through connection resets"))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpointOf(id) > 0);

        jdbc.sql("""
                CREATE FUNCTION refuse_history() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';
                END $$""").update();
        jdbc.sql("CREATE TRIGGER refuse_history BEFORE INSERT ON job_history FOR EACH ROW"
                        + " EXECUTE FUNCTION refuse_history()")
                .update();
        try {
            assertStillTraining(id);
            await().atMost(Duration.ofSeconds(60)).until(() -> running.get(id) == null);
        } finally {
            jdbc.sql("DROP TRIGGER refuse_history ON job_history").update();
            jdbc.sql("DROP FUNCTION refuse_history()").update();
        }

        assertRecoveredAsUninterrupted(http, id, output);
    }

    /**
     * The spec of the jobs the outages interrupt. Its name aside (not part of the training), one spec,
     * so one uninterrupted run serves as the reference of both ({@link #uninterrupted}). Far more
     * iterations than the run makes between its first checkpoint and the start of the outage, which
     * {@link #assertStillTraining} checks.
     */
    private static Map<String, Object> spec(String name) {
        return ApiContract.hw5Spec(name, ITERATIONS);
    }

    /**
     * The outage starts while the job trains: its worker still holds it, short of its last iteration.
     * (The lease then runs out, or the run ends within the outage; either way its worker cannot store
     * anything more and must leave the job to the recovery.)
     */
    private void assertStillTraining(String id) {
        RunningJob live = running.get(id);
        assertThat(live)
                .as("job %s trained by this instance as the outage starts", id)
                .isNotNull();
        assertThat(live.isConcluding()).as("concluding as the outage starts").isFalse();
        assertThat(live.progress().iteration())
                .as("the iteration the job was at as the outage started")
                .isLessThan(ITERATIONS);
    }

    /**
     * The uninterrupted run of {@link #spec} (losses, and the model's weights and biases), trained by
     * the first test that needs it and kept for the other: the same spec gives the same results in
     * every run, which is what the tests compare against.
     */
    private static Reference uninterrupted;

    /** What an uninterrupted run leaves: its losses and its model. */
    private record Reference(JsonNode losses, JsonNode model) {}

    private static Reference uninterrupted(Http http) {
        if (uninterrupted == null) {
            JsonNode job = awaitEnd(
                    http,
                    http.post("/jobs", spec("uninterrupted"))
                            .expect(202)
                            .get("id")
                            .asString());
            assertThat(job.get("status").asString()).as("%s", job).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).as("%s", job).isEqualTo(1);
            uninterrupted = new Reference(
                    http.get("/jobs/" + job.get("id").asString() + "/losses").expect(200),
                    http.get("/models/" + job.get("modelId").asString()).expect(200));
        }
        return uninterrupted;
    }

    /**
     * SUCCEEDED after a {@code lost} attempt, resumed from a checkpoint, every point {@code 0..iterations}
     * once, and the losses and weights of an uninterrupted run of the same spec.
     */
    private void assertRecoveredAsUninterrupted(Http http, String id, CapturedOutput output) {
        JsonNode done = awaitEnd(http, id);
        assertThat(done.get("status").asString()).as("%s", done).isEqualTo("SUCCEEDED");
        JsonNode attempts = done.get("attemptHistory");
        assertThat(attempts.at("/0/outcome").asString()).as("%s", attempts).isEqualTo("lost");
        assertThat(attempts.get(attempts.size() - 1).get("outcome").asString()).isEqualTo("succeeded");
        assertThat(done.get("resumedFrom").asInt())
                .as("resumed from a checkpoint, not from the seed")
                .isPositive();
        assertThat(done.get("attempts").asInt()).isEqualTo(attempts.size());
        assertThat(output.getOut())
                .contains("the database could not be reached")
                .doesNotContain("failed unexpectedly");

        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        ApiContract.assertWholeAndInOrder(losses.get("iteration"), ITERATIONS);

        Reference reference = uninterrupted(http);
        for (String curve : List.of("train", "test")) {
            assertThat(losses.get(curve)).as(curve).isEqualTo(reference.losses().get(curve));
        }
        JsonNode model = http.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(model.get("weights")).isEqualTo(reference.model().get("weights"));
        assertThat(model.get("biases")).isEqualTo(reference.model().get("biases"));
    }

    /**
     * Answered without waiting for a pool connection: each such request waited the pool's whole
     * connection timeout (30 s by default, 30–50 s measured) before its 503. Half the timeout leaves
     * room for a loaded machine while telling the two apart.
     */
    private static void assertAnsweredAtOnce(long startNanos, String what) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        assertThat(took)
                .as("%s answered %s ms into the outage's 503", what, took.toMillis())
                .isLessThan(Duration.ofMillis(CONNECTION_TIMEOUT_MS / 2));
    }

    /** The iteration of the job's stored checkpoint, 0 when it has none. */
    private int checkpointOf(String id) {
        return jdbc.sql("SELECT COALESCE(MAX(iteration), 0) FROM job_checkpoints WHERE job_id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }

    private static JsonNode awaitEnd(Http http, String id) {
        await().atMost(Duration.ofSeconds(180))
                .ignoreExceptions()
                .until(
                        () -> http.get("/jobs/" + id).json().get("status").asString(),
                        s -> s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED"));
        return http.get("/jobs/" + id).json();
    }
}
