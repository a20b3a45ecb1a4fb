package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * Two instances sharing one PostgreSQL: one queue, each job trained once, cancel and recovery across
 * instances, a model deleted through one instance stops being served by the other, and page cursors
 * serve on both.
 */
class SharedPostgresIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Short, so that the test of its bound is quick. */
    private static final Duration MODEL_CACHE_TTL = Duration.ofSeconds(1);
    /** Likewise for finished jobs' answers. */
    private static final Duration READ_CACHE_TTL = Duration.ofSeconds(1);

    private static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();
    private static Http a;
    private static Http b;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        String url = PostgresApiIntegrationTests.POSTGRES.getJdbcUrl("postgres", "postgres");
        try (Connection db =
                PostgresApiIntegrationTests.POSTGRES.getPostgresDatabase().getConnection()) {
            db.createStatement().execute("CREATE DATABASE shared_instances");
        }
        String shared = url.replace("/postgres?", "/shared_instances?");
        a = new Http(start(shared, "instance-a"));
        b = new Http(start(shared, "instance-b"));
    }

    @AfterAll
    static void stop() {
        INSTANCES.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void everyJobIsTrainedExactlyOnceWhicheverInstanceAcceptedIt() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Http via = i % 2 == 0 ? a : b;
            ids.add(via.post("/jobs", ApiContract.hw5Spec("shared-" + i, 300))
                    .expect(202)
                    .get("id")
                    .asString());
        }

        Set<String> instances = new HashSet<>();
        for (String id : ids) {
            await().atMost(TIMEOUT)
                    .until(() ->
                            a.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));
            JsonNode job = b.get("/jobs/" + id).json();
            assertThat(job.get("attempts").asInt()).as("claimed once: %s", job).isEqualTo(1);
            instances.add(job.get("instance").asString());
        }
        assertThat(instances).isSubsetOf("instance-a", "instance-b");
    }

    @Test
    void aJobCanBeCancelledThroughTheInstanceThatIsNotTrainingIt() {
        String id = a.post("/jobs", ApiContract.longSpec("cross-cancel"))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(TIMEOUT)
                .until(() ->
                        a.get("/jobs/" + id).json().get("status").asString().equals("RUNNING"));
        Http other = a.get("/jobs/" + id).json().get("instance").asString().equals("instance-a") ? b : a;

        other.post("/jobs/" + id + "/cancel", "").expect(202);

        await().atMost(TIMEOUT)
                .until(() ->
                        a.get("/jobs/" + id).json().get("status").asString().equals("CANCELLED"));
    }

    @Test
    void aJobOrphanedByACrashedInstanceIsRecoveredOnceItsClaimExpires() throws Exception {
        String id = a.post("/jobs", ApiContract.hw5Spec("orphan", 50))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(TIMEOUT)
                .until(() ->
                        a.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));
        // Rewind it to "running on an instance that died an hour ago".
        try (Connection db = PostgresApiIntegrationTests.POSTGRES
                        .getDatabase("postgres", "shared_instances")
                        .getConnection();
                PreparedStatement update = db.prepareStatement("""
                        UPDATE jobs SET status = 'RUNNING', claimed_by = 'crashed-instance', attempts = 1,
                            heartbeat_at = now() - interval '1 hour', finished_at = NULL, model_id = NULL
                        WHERE id = ?""")) {
            update.setString(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        // Watched through b: a keeps the answer of the job it saw finish (a finished job never changes;
        // this rewind is a crash simulated behind both instances' backs), b has not read it yet.
        await().atMost(TIMEOUT)
                .until(() ->
                        b.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));

        JsonNode job = b.get("/jobs/" + id).json();
        assertThat(job.get("attempts").asInt()).isEqualTo(2);
        assertThat(job.get("instance").asString()).isIn("instance-a", "instance-b");
        assertThat(b.get("/jobs/" + id + "/losses").json().get("iteration").size())
                .isEqualTo(51);
    }

    @Test
    void keyNamesThatDifferOnlyInCaseSentToBothInstancesAtOnceCreateOneKey() throws Exception {
        String taken = a.post("/keys", Map.of("name", "dup-" + UUID.randomUUID(), "role", "user"))
                .expect(201)
                .get("name")
                .asString();
        Http.Response exact = b.post("/keys", Map.of("name", taken, "role", "user"));
        assertThat(exact.status()).isEqualTo(409);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 6; round++) {
                String base =
                        "case-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
                List<String> variants = List.of(
                        base,
                        base.toUpperCase(Locale.ROOT),
                        "C" + base.substring(1),
                        "cA" + base.substring(2),
                        "CA" + base.substring(2),
                        base.substring(0, base.length() - 1) + "X");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Http.Response>> answers = new ArrayList<>();
                for (int i = 0; i < variants.size(); i++) {
                    Http via = i % 2 == 0 ? a : b;
                    String name = variants.get(i);
                    answers.add(pool.submit(() -> {
                        go.await();
                        return via.post("/keys", Map.of("name", name, "role", "user"));
                    }));
                }
                go.countDown();
                List<Http.Response> responses = new ArrayList<>();
                for (Future<Http.Response> answer : answers) {
                    responses.add(answer.get(60, TimeUnit.SECONDS));
                }
                // The last variant differs by more than case ('x' for the last character): always created.
                assertThat(responses.get(responses.size() - 1).status()).isEqualTo(201);
                List<Http.Response> sameName = responses.subList(0, 5);
                assertThat(sameName)
                        .extracting(Http.Response::status)
                        .as("round %d: %s", round, variants)
                        .containsOnly(201, 409)
                        .containsOnlyOnce(201);
                for (Http.Response refused : sameName) {
                    if (refused.status() == 409) {
                        // The same problem as an exact duplicate's, whichever instance lost the race.
                        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                        assertThat(refused.json().get("type").asString())
                                .isEqualTo(exact.json().get("type").asString());
                        assertThat(refused.json().get("detail").asString()).contains("exists");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One worker per instance, both training members of a sweep, four members queued. Cancelled through
     * one instance, the sweep's queued members are cancelled in one transaction before either worker is
     * freed: neither instance's freed worker finds one of them to claim (audit item 4).
     */
    @Test
    void aSweepCancelledThroughOneInstanceStartsNoQueuedMemberOnEither() {
        Map<String, Object> sweep = Map.of(
                "base",
                ApiContract.longSpec("shared sweep"),
                "grid",
                Map.of("scale", List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6)),
                "selectBy",
                "train");
        String id = a.post("/sweeps", sweep).expect(202).get("id").asString();
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> b.get("/sweeps/" + id)
                                .json()
                                .at("/statusCounts/RUNNING")
                                .asInt()
                        == 2);
        List<String> queued = new ArrayList<>();
        Set<String> trainedBy = new HashSet<>();
        for (JsonNode entry : b.get("/sweeps/" + id).expect(200).get("leaderboard")) {
            String job = entry.get("jobId").asString();
            if (entry.get("status").asString().equals("QUEUED")) {
                queued.add(job);
            } else {
                trainedBy.add(b.get("/jobs/" + job).json().get("instance").asString());
            }
        }
        assertThat(queued).hasSize(4);
        assertThat(trainedBy).containsExactlyInAnyOrder("instance-a", "instance-b");

        JsonNode answer = a.post("/sweeps/" + id + "/cancel", "").expect(202);

        assertThat(answer.at("/statusCounts/QUEUED").asInt()).isZero();
        await().atMost(TIMEOUT)
                .until(() -> b.get("/sweeps/" + id)
                                .json()
                                .at("/statusCounts/CANCELLED")
                                .asInt()
                        == 6);
        for (String job : queued) {
            assertThat(b.get("/jobs/" + job).expect(200).get("attemptHistory"))
                    .as("queued at the cancel, never started")
                    .isEmpty();
        }
    }

    /**
     * A job queued through one instance protects its warm-start model from a deletion through the
     * other; once it is cancelled the model goes, and a job sent to the instance that may still hold
     * the model in its cache is refused, because the submit asks the database under the admission lock.
     */
    @Test
    void aModelAJobWarmStartsFromIsInUseOnEveryInstance() {
        String model = a.post("/models", """
                        {"layerSizes": [5, 20, 1], "activation": "sigmoid", "bias": false,
                         "preprocessing": {"basisDegree": 1, "normalize": false},
                         "weights": {"W0": %s, "W1": %s}}""".formatted(matrix(5, 20), matrix(20, 1)))
                .expect(201)
                .get("id")
                .asString();
        Map<String, Object> spec = ApiContract.hw5Spec("warm elsewhere", 1_000_000);
        spec.put("bias", false);
        spec.put("normalize", false);
        spec.put("alpha", 1e-9);
        spec.put("warmStartModel", model);
        String job = a.post("/jobs", spec).expect(202).get("id").asString();

        assertThat(b.delete("/models/" + model).expect(409).get("detail").asString())
                .contains(job);

        b.post("/jobs/" + job + "/cancel", "").expect(202);
        await().atMost(TIMEOUT)
                .until(() ->
                        a.get("/jobs/" + job).json().get("status").asString().equals("CANCELLED"));
        b.delete("/models/" + model).expect(204);
        JsonNode refused = a.post("/jobs", spec).expect(400);
        assertThat(refused.at("/errors/0/field").asString()).isEqualTo("warmStartModel");
    }

    private static String matrix(int rows, int columns) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < rows; i++) {
            json.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < columns; j++) {
                json.append(j == 0 ? "" : ", ").append(0.01 * ((i + 2 * j) % 7 - 3));
            }
            json.append("]");
        }
        return json.append("]").toString();
    }

    @Test
    void aCursorHandedOutByOneInstancePagesTheSameListOnTheOther() {
        // The cursor's check is keyed with a secret the instances share through the database (made by
        // whichever asked first): a client behind a load balancer pages on whatever instance it reaches.
        String model = """
                {"layerSizes": [1, 1], "activation": "none", "bias": false,
                 "preprocessing": {"basisDegree": 1, "normalize": false},
                 "weights": {"W0": [[2.0]]}}""";
        a.post("/models", model).expect(201);
        b.post("/models", model).expect(201);
        String cursor = a.get("/models?weights=false&limit=1")
                .expect(200)
                .get("nextCursor")
                .asString();

        JsonNode onA = a.get("/models?weights=false&limit=1&cursor=" + cursor).expect(200);
        JsonNode onB = b.get("/models?weights=false&limit=1&cursor=" + cursor).expect(200);

        assertThat(onB.get("items")).isEqualTo(onA.get("items")).hasSize(1);
        assertThat(b.get("/jobs?cursor=" + cursor).status())
                .as("and on either, only for its own list")
                .isEqualTo(400);
    }

    @Test
    void aModelDeletedThroughOneInstanceIsNoLongerServedByTheOtherOnceItsCacheEntryExpires() {
        String model = a.post("/models", """
                        {"layerSizes": [1, 1], "activation": "none", "bias": false,
                         "preprocessing": {"basisDegree": 1, "normalize": false},
                         "weights": {"W0": [[3.0]]}}""").expect(201).get("id").asString();
        String predictions = "/models/" + model + "/predictions";
        String x = "{\"x\": [[2.0]]}";
        // Found at once by the instance that did not store it (misses are not cached), and cached there.
        assertThat(b.post(predictions, x).expect(200).at("/y/0/0").asDouble()).isEqualTo(6.0);

        a.delete("/models/" + model).expect(204);

        assertThat(a.post(predictions, x).status())
                .as("on the deleting instance: at once")
                .isEqualTo(404);
        await().atMost(MODEL_CACHE_TTL.plusSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> b.post(predictions, x).status() == 404);
    }

    @Test
    void aJobDeletedThroughOneInstanceIsNoLongerServedByTheOtherOnceItsCacheEntryExpires() {
        String id = a.post("/jobs", ApiContract.hw5Spec("deleted elsewhere", 20))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(TIMEOUT)
                .until(() ->
                        b.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));
        // b keeps the finished job's answers now.
        b.get("/jobs/" + id + "/losses?maxPoints=5").expect(200);

        a.delete("/jobs/" + id).expect(204);

        assertThat(a.get("/jobs/" + id).status())
                .as("on the deleting instance: at once")
                .isEqualTo(404);
        await().atMost(READ_CACHE_TTL.plusSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> b.get("/jobs/" + id).status() == 404
                        && b.get("/jobs/" + id + "/losses?maxPoints=5").status() == 404);
    }

    private static int start(String url, String instance) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TrainyardApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=",
                        "--trainyard.data-dir=" + Files.createTempDirectory("trainyard-shared"),
                        "--trainyard.instance-id=" + instance,
                        "--trainyard.workers=1",
                        "--trainyard.heartbeat-interval=300ms",
                        "--trainyard.heartbeat-timeout=2s",
                        "--trainyard.poll-interval=200ms",
                        "--trainyard.model-cache.ttl=" + MODEL_CACHE_TTL.toMillis() + "ms",
                        "--trainyard.read-cache.ttl=" + READ_CACHE_TTL.toMillis() + "ms",
                        "--spring.jmx.enabled=false");
        INSTANCES.add(context);
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
