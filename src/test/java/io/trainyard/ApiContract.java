package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * The HTTP contract of ../shared/API.md (Jobs, Models, built-in data), exercised over real HTTP.
 * Runs once per store: {@code H2ApiIntegrationTests} and {@code PostgresApiIntegrationTests}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=2",
            "trainyard.limits.queue-capacity=4",
            "trainyard.limits.max-request-size=2MB",
            "trainyard.heartbeat-interval=300ms",
            "trainyard.history-flush-interval=200ms",
        })
abstract class ApiContract {

    static final Duration TRAINING = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    Http http;

    private final List<String> started = new ArrayList<>();

    static Path tempDataDir(String prefix) {
        try {
            return java.nio.file.Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    /** Leaves no job running for the next test: they share two workers and a small queue. */
    @AfterEach
    void cancelLeftovers() {
        for (String id : started) {
            JsonNode job = http.get("/jobs/" + id).json();
            String status = job.path("status").asString();
            if (status.equals("QUEUED") || status.equals("RUNNING")) {
                http.post("/jobs/" + id + "/cancel", "");
            }
        }
        for (String id : started) {
            await().atMost(TRAINING)
                    .until(() -> isFinished(http.get("/jobs/" + id).json()));
        }
    }

    // ---------------------------------------------------------------- life cycle

    @Test
    void aJobOnHw5IsQueuedTrainedAndLeavesItsHistoryAndModel() {
        Http.Response accepted = http.post("/jobs", hw5Spec("lifecycle", 400));

        JsonNode job = accepted.expect(202);
        assertThat(accepted.header("Location"))
                .isEqualTo("/jobs/" + job.get("id").asString());
        assertThat(job.get("status").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(job.at("/spec/activation").asString()).isEqualTo("sigmoid");
        assertThat(job.at("/spec/seed").asLong()).isEqualTo(7);
        assertThat(job.at("/spec/basisDegree").asInt()).isEqualTo(1);
        assertThat(job.get("layerSizes").toString()).isEqualTo("[5,20,1]");
        String id = track(job);

        JsonNode done = awaitStatus(id, "SUCCEEDED");

        assertThat(done.at("/progress/iteration").asInt()).isEqualTo(400);
        assertThat(done.at("/progress/fraction").asDouble()).isEqualTo(1.0);
        assertThat(done.at("/progress/etaSeconds").asDouble()).isZero();
        assertThat(done.get("startedAt").isNull()).isFalse();
        assertThat(done.get("finishedAt").isNull()).isFalse();
        assertThat(done.get("error").isNull()).isTrue();
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        JsonNode attempts = done.get("attemptHistory");
        assertThat(attempts.size()).as("one attempt: %s", attempts).isEqualTo(1);
        assertThat(attempts.at("/0/number").asInt()).isEqualTo(1);
        assertThat(attempts.at("/0/outcome").asString()).isEqualTo("succeeded");
        assertThat(attempts.at("/0/resumedFrom").asInt()).as("from its seed").isZero();
        assertThat(attempts.at("/0/instance").asString())
                .isEqualTo(done.get("instance").asString());
        assertThat(Instant.parse(attempts.at("/0/endedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(attempts.at("/0/startedAt").asString()));
        assertThat(http.get("/jobs?name=lifecycle").json().get("items"))
                .as("the list shows attempts too")
                .anySatisfy(item -> assertThat(item.get("attemptHistory")).isEqualTo(attempts));
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        assertThat(losses.get("iteration").size()).isEqualTo(401);
        assertThat(losses.get("train").size()).isEqualTo(401);
        assertThat(losses.get("test").size()).isEqualTo(401);
        assertThat(losses.get("validation").isNull()).isTrue();
        assertThat(losses.at("/iteration/400").asInt()).isEqualTo(400);
        double first = losses.at("/train/0").asDouble();
        double last = losses.at("/train/400").asDouble();
        assertThat(last).isLessThan(first / 5);
        assertThat(done.get("trainLoss").asDouble()).isEqualTo(last);
        assertThat(losses.at("/trainMse/400").asDouble()).isEqualTo(last / 400);
        assertThat(losses.at("/testMse/400").asDouble())
                .isEqualTo(losses.at("/test/400").asDouble() / 200);

        JsonNode gradients = http.get("/jobs/" + id + "/gradients").expect(200);
        assertThat(gradients.get("iteration").size()).isEqualTo(401);
        assertThat(gradients.get("layers").propertyNames()).containsExactly("W0", "W1");
        assertThat(gradients.at("/layers/W1").size()).isEqualTo(401);

        JsonNode model = http.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(model.get("jobId").asString()).isEqualTo(id);
        assertThat(model.get("trainLoss").asDouble()).isEqualTo(last);
        assertThat(model.at("/preprocessing/normalize").asBoolean()).isTrue();
        assertThat(model.at("/preprocessing/mean").size()).isEqualTo(5);
        assertThat(model.at("/weights/W0").size()).isEqualTo(5);
        assertThat(model.at("/weights/W0/0").size()).isEqualTo(20);
        assertThat(model.at("/biases/b1").size()).isEqualTo(1);
    }

    @Test
    void lossesCanBePolledIncrementallyAndDownsampled() {
        String id = track(http.post("/jobs", hw5Spec("polling", 300)).expect(202));
        awaitStatus(id, "SUCCEEDED");

        JsonNode tail = http.get("/jobs/" + id + "/losses?since=295").expect(200);
        assertThat(tail.get("iteration").toString()).isEqualTo("[296,297,298,299,300]");
        assertThat(tail.get("train").size()).isEqualTo(5);
        assertThat(tail.get("trainMse").size()).isEqualTo(5);

        JsonNode small = http.get("/jobs/" + id + "/losses?maxPoints=20").expect(200);
        assertThat(small.get("iteration").size()).isEqualTo(20);
        assertThat(small.at("/iteration/0").asInt()).isZero();
        assertThat(small.at("/iteration/19").asInt()).isEqualTo(300);
        assertThat(small.get("test").size()).isEqualTo(20);

        assertThat(http.get("/jobs/" + id + "/losses?since=300")
                        .expect(200)
                        .get("iteration")
                        .size())
                .isZero();
        assertThat(http.get("/jobs/" + id + "/gradients?maxPoints=10")
                        .expect(200)
                        .at("/layers/W0")
                        .size())
                .isEqualTo(10);
        problem(http.get("/jobs/" + id + "/losses?maxPoints=1"), 400);
        // A query parameter that is not a number says so as `limit=abc` does, without Java's type names.
        for (String query : List.of("since=abc", "maxPoints=1.5")) {
            JsonNode notANumber = problem(http.get("/jobs/" + id + "/losses?" + query), 400);
            String value = query.substring(query.indexOf('=') + 1);
            assertThat(notANumber.get("detail").asString())
                    .as(query)
                    .contains("'" + value + "' is not a whole number")
                    .doesNotContain("java.lang");
            assertThat(notANumber.at("/errors/0/field").asString()).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        // A whole number too large to hold is one: "too large", with the bound (and maxPoints' own @Min).
        Map<String, String> tooLarge = Map.of(
                "maxPoints=99999999999",
                "'99999999999' is too large: must be a whole number from 2 to 2147483647",
                "since=3000000000",
                "'3000000000' is too large: must be a whole number from -2147483648 to 2147483647",
                "since=-99999999999999999999",
                "'-99999999999999999999' is too small: must be a whole number from -2147483648 to 2147483647");
        tooLarge.forEach((query, message) -> {
            JsonNode problem = problem(http.get("/jobs/" + id + "/losses?" + query), 400);
            assertThat(problem.at("/errors/0/field").asString()).isEqualTo(query.substring(0, query.indexOf('=')));
            assertThat(problem.at("/errors/0/message").asString()).as(query).isEqualTo(message);
            assertThat(problem.get("detail").asString()).as(query).doesNotContain("not a whole number");
        });
    }

    @Test
    void aDownsampledIncrementalReadStartsWithTheFirstPointAfterSince() {
        String id =
                track(http.post("/jobs", hw5Spec("since-and-max-points", 300)).expect(202));
        awaitStatus(id, "SUCCEEDED");

        // Whatever batches the history was stored in, `since` cuts into one of them for most values:
        // the answer must still keep the first point after `since` (and the last), as API.md says.
        for (int since = 0; since < 40; since++) {
            for (String endpoint : List.of("losses", "gradients")) {
                JsonNode read = http.get("/jobs/" + id + "/" + endpoint + "?since=" + since + "&maxPoints=3")
                        .expect(200);
                JsonNode iterations = read.get("iteration");
                assertThat(iterations.size())
                        .as("%s since=%d: %s", endpoint, since, iterations)
                        .isEqualTo(3);
                assertThat(iterations.get(0).asInt())
                        .as("%s since=%d: %s", endpoint, since, iterations)
                        .isEqualTo(since + 1);
                assertThat(iterations.get(2).asInt()).isEqualTo(300);
            }
        }
    }

    @Test
    void anIncrementalReadWithNoNewPointsKeepsTheJobsColumnsAsEmptyArrays() {
        Map<String, Object> spec = hw5Spec("no-new-points", 30);
        spec.put("validationFraction", 0.2);
        String id = track(http.post("/jobs", spec).expect(202));
        awaitStatus(id, "SUCCEEDED");

        JsonNode none = http.get("/jobs/" + id + "/losses?since=30").expect(200);

        // The job has validation and test sets: "no new points" is [] in every column, not "no such set"
        // (null), so a client appending poll after poll keeps equal-length columns.
        for (String column :
                List.of("iteration", "train", "validation", "test", "trainMse", "validationMse", "testMse")) {
            assertThat(none.get(column).isArray()).as("%s in %s", column, none).isTrue();
            assertThat(none.get(column).size()).as(column).isZero();
        }
        JsonNode all = http.get("/jobs/" + id + "/losses?since=29").expect(200);
        assertThat(all.get("validation").size()).isEqualTo(1);
        assertThat(http.get("/jobs/" + id + "/losses?since=30&format=csv").text())
                .startsWith("iteration,train,validation,test");
        assertThat(http.get("/jobs/" + id + "/losses?since=30&format=svg").text())
                .contains("<svg");
    }

    /**
     * Audit contract, F2: a queued job's losses said {@code validation: null, test: null} ("no such set")
     * for a job that has both, until its first point; a client polling from the start learnt the wrong
     * shape. The sets are known at submission.
     */
    @Test
    void aQueuedJobsLossesAlreadyHaveTheColumnsOfTheSetsItWillHave() {
        String first = track(http.post("/jobs", longSpec("busy-1")).expect(202));
        String second = track(http.post("/jobs", longSpec("busy-2")).expect(202));
        awaitStatus(first, "RUNNING");
        awaitStatus(second, "RUNNING");
        Map<String, Object> withValidation = hw5Spec("queued-with-validation", 10);
        withValidation.put("validationFraction", 0.2);
        String queued = track(http.post("/jobs", withValidation).expect(202));
        String plain = track(
                http.post("/jobs", hw5Spec("queued-without-validation", 10)).expect(202));

        JsonNode losses = http.get("/jobs/" + queued + "/losses").expect(200);
        JsonNode withoutValidation = http.get("/jobs/" + plain + "/losses").expect(200);

        // Both workers are busy with jobs of a million iterations: these two have not started.
        assertThat(http.get("/jobs/" + queued).json().get("status").asString()).isEqualTo("QUEUED");
        assertThat(http.get("/jobs/" + plain).json().get("status").asString()).isEqualTo("QUEUED");
        for (String column :
                List.of("iteration", "train", "validation", "test", "trainMse", "validationMse", "testMse")) {
            assertThat(losses.get(column).isArray())
                    .as("%s in %s", column, losses)
                    .isTrue();
            assertThat(losses.get(column).size()).as(column).isZero();
        }
        assertThat(withoutValidation.get("validation").isNull())
                .as("no validation set: null, as once it runs")
                .isTrue();
        assertThat(withoutValidation.get("validationMse").isNull()).isTrue();
        assertThat(withoutValidation.get("test").isArray())
                .as("hw5 has test rows")
                .isTrue();
    }

    @Test
    void historyQueryParametersAreCheckedAndNamedInTheProblem() {
        String id = track(http.post("/jobs", hw5Spec("query", 50)).expect(202));
        awaitStatus(id, "SUCCEEDED");

        JsonNode notANumber = problem(http.get("/jobs/" + id + "/losses?maxPoints=abc"), 400);
        assertThat(notANumber.at("/errors/0/field").asString()).isEqualTo("maxPoints");
        assertThat(notANumber.at("/errors/0/message").asString())
                .contains("'abc'")
                .doesNotContain("java.");
        JsonNode tooBig = problem(http.get("/jobs/" + id + "/gradients?since=2147483648"), 400);
        assertThat(tooBig.at("/errors/0/field").asString()).isEqualTo("since");
        assertThat(problem(http.get("/jobs/" + id + "/losses?log=maybe&format=png"), 400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("log");
        JsonNode outOfRange = problem(http.get("/jobs/" + id + "/losses?format=svg&width=99999&height=1"), 400);
        assertThat(outOfRange.get("errors").findValuesAsString("field")).containsExactly("height", "width");

        // A repeated parameter is refused as everywhere (QueryParameterCheck); an empty one is absent,
        // yes/no are booleans.
        assertThat(problem(http.get("/jobs/" + id + "/losses?maxPoints=3&maxPoints=4"), 400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("maxPoints");
        assertThat(http.get("/jobs/" + id + "/losses?maxPoints=")
                        .expect(200)
                        .get("iteration")
                        .size())
                .isEqualTo(51);
        assertThat(http.get("/jobs/" + id + "/losses?format=svg&log=no").text()).contains("<svg");
        // The comparison's own limits are still checked.
        assertThat(problem(http.get("/jobs/compare?ids=" + id + "&maxPoints=1"), 400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("maxPoints");
    }

    @Test
    void aWholeNumberNoIntHoldsIsTooLargeAndGetsTheFieldsOwnRangeAsItsOwnCheckSaysIt() {
        // "must be a whole number from -2147483648 to 2147483647" promised basisDegree values no job takes.
        // Each field: a value an int holds but the field refuses, and one no int holds.
        String[][] cases = {
            {"iterations", "\"iterations\": 2000000000", "\"iterations\": 10000000000", "10000000000"},
            {"basisDegree", "\"basisDegree\": 11", "\"basisDegree\": 2147483648", "2147483648"},
            {"basisDegree", "\"basisDegree\": 0", "\"basisDegree\": -2147483649", "-2147483649"},
            {"layers[1]", "\"layers\": [5, 0]", "\"layers\": [5, 3000000000]", "3000000000"},
            {"batchSize", "\"batchSize\": 0", "\"batchSize\": 2147483648", "2147483648"},
            {
                "earlyStopping.patience",
                "\"earlyStopping\": {\"patience\": 0, \"monitor\": \"train\"}",
                "\"earlyStopping\": {\"patience\": 3000000000, \"monitor\": \"train\"}",
                "3000000000"
            }
        };
        for (String[] c : cases) {
            String field = c[0];
            JsonNode checked = problem(
                    http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.1, " + c[1] + "}"), 400);
            String own = null;
            for (JsonNode error : checked.get("errors")) {
                if (error.get("field").asString().equals(field)) {
                    own = error.get("message").asString();
                }
            }
            assertThat(own).as("%s: %s", field, checked).isNotNull();
            // The field's own check: "… must be <range>, got <value>"; the same range for a number too big.
            String range = own.substring(own.indexOf("must be "), own.lastIndexOf(", got "));
            String verdict = c[3].startsWith("-") ? "is too small: " : "is too large: ";
            for (String path : List.of("/jobs?dryRun=true", "/sweeps?dryRun=true")) {
                String body = path.startsWith("/jobs")
                        ? "{\"dataset\": \"hw5\", \"alpha\": 0.1, " + c[2] + "}"
                        : "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.1, " + c[2]
                                + "}, \"grid\": {\"alpha\": [0.1]}, \"selectBy\": \"train\"}";
                String named = path.startsWith("/jobs") ? field : "base." + field;
                JsonNode tooLarge = problem(http.post(path, body), 400);
                assertThat(tooLarge.at("/errors/0/field").asString()).as(body).isEqualTo(named);
                assertThat(tooLarge.at("/errors/0/message").asString())
                        .as(body)
                        .isEqualTo("'" + c[3] + "' " + verdict + range)
                        .doesNotContain("2147483647");
            }
        }
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsNamedAsTheBodyInErrors() {
        // As a sweep without its spec is: validation errors carry `errors`, the whole body's too.
        for (String path : List.of("/jobs?dryRun=true", "/sweeps?dryRun=true", "/models", "/datasets")) {
            for (String body : List.of("[1]", "null", "\"x\"", "true", "{\"alpha\": 1")) {
                JsonNode problem = problem(http.post(path, body), 400);
                assertThat(problem.at("/errors/0/field").asString())
                        .as("%s %s: %s", path, body, problem)
                        .isEqualTo("body");
                assertThat(problem.at("/errors/0/message").asString())
                        .as("%s %s", path, body)
                        .isEqualTo(problem.get("detail").asString());
            }
        }
        assertThat(problem(http.post("/jobs", "[1]"), 400)
                        .at("/errors/0/message")
                        .asString())
                .isEqualTo("The body must be a JSON object, not an array.");
    }

    @Test
    void aListLimitBeyondAnIntSaysTheRangeItTakes() {
        // "'2147483648' is not a whole number" sent the client looking for a typo in a whole number.
        Map<String, String> ranges = Map.of(
                "/jobs", "1 to 500",
                "/sweeps", "1 to 500",
                "/datasets", "1 to 500",
                "/models", "1 to 500",
                "/aliases/production/history", "1 to 1000");
        ranges.forEach((path, range) -> {
            for (String value : List.of("2147483648", "-99999999999999999999")) {
                JsonNode tooLarge = problem(http.get(path + "?limit=" + value), 400);
                assertThat(tooLarge.get("detail").asString())
                        .as(path)
                        .contains("'" + value + "' is too " + (value.startsWith("-") ? "small" : "large")
                                + ": must be a whole number from " + range);
                assertThat(tooLarge.at("/errors/0/field").asString()).isEqualTo("limit");
            }
            assertThat(problem(http.get(path + "?limit=abc"), 400).get("detail").asString())
                    .as(path)
                    .contains("'abc' is not a whole number");
            // Hostile audit (session 31): Spring read 0x2 and #3 as hex, Integer.parseInt a full-width '３'.
            Map<String, String> notDecimal = Map.of("0x2", "0x2", "%233", "#3", "%EF%BC%93", "\uFF13");
            notDecimal.forEach((sent, read) -> assertThat(problem(http.get(path + "?limit=" + sent), 400)
                            .get("detail")
                            .asString())
                    .as(path + "?limit=" + sent)
                    .contains("'" + read + "' is not a whole number"));
        });
        assertThat(problem(http.get("/jobs/none/losses?maxPoints=%EF%BC%93"), 400)
                        .get("detail")
                        .asString())
                .contains("is not a whole number");
        for (String query : List.of("seed=0x10", "testFraction=0x1p-2", "testFraction=0.25d", "testFraction=NaN")) {
            assertThat(problem(http.post("/datasets?" + query, "text/csv", "a,y\n1,2\n3,4\n5,6\n7,8\n"), 400)
                            .at("/errors/0/field")
                            .asString())
                    .as(query)
                    .isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void namesWithALoneUtf16SurrogateAreRefusedByField() {
        // "a\ud800b" is valid JSON but no Unicode text: it was stored, then shown as "a?b" in event
        // streams, plots and ONNX files (PostgreSQL's driver stored the '?' outright).
        String lone = "a\\ud800b";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("/jobs", "{\"name\": \"" + lone + "\", \"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5}");
        bodies.put("/jobs?dryRun=true", bodies.get("/jobs"));
        bodies.put(
                "/sweeps",
                "{\"name\": \"" + lone + "\", \"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5, "
                        + "\"validationFraction\": 0.2}, \"grid\": {\"layers\": [[2]]}}");
        bodies.put("/datasets", "{\"name\": \"" + lone + "\", \"x\": [[1], [2], [3]], \"y\": [1, 2, 3]}");
        Map<String, String> fields = new LinkedHashMap<>();
        bodies.keySet().forEach(path -> fields.put(path, "name"));
        bodies.put(
                "/models",
                "{\"layerSizes\": [1, 1], \"activation\": \"none\", \"weights\": {\"W0\": [[1]]}, "
                        + "\"inputColumns\": [\"" + lone + "\"], \"outputColumns\": [\"y\\udfff\"]}");
        fields.put("/models", "inputColumns[0]");
        bodies.forEach((path, body) -> {
            JsonNode refused = problem(http.post(path, body), 400);
            assertThat(refused.get("detail").asString()).as(path).contains("unpaired UTF-16 surrogate (\\uD800");
            assertThat(refused.at("/errors/0/field").asString()).as(path).isEqualTo(fields.get(path));
        });
        // A pair is one character (an emoji): still a name.
        http.post("/jobs?dryRun=true", bodies.get("/jobs").replace(lone, "a\\ud83d\\ude00b"))
                .expect(200);
    }

    @Test
    void jsonBodiesThatAreNotUtf8AreRefusedOnEveryEndpointNeverDecoded() {
        // "a\xC0\xAFb": an overlong '/', decoded by the parser and stored as "a/b" (hostile-requests F1).
        String name = "a" + OVERLONG_SLASH + "b";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(
                "POST /jobs",
                "{\"name\": \"" + name + "\", \"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5}");
        bodies.put("POST /jobs?dryRun=true", bodies.get("POST /jobs"));
        bodies.put(
                "POST /sweeps",
                "{\"name\": \"" + name + "\", \"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5, "
                        + "\"validationFraction\": 0.2}, \"grid\": {\"layers\": [[2]]}}");
        bodies.put("POST /datasets", "{\"name\": \"" + name + "\", \"x\": [[1], [2], [3]], \"y\": [1, 2, 3]}");
        bodies.put(
                "POST /models",
                "{\"layerSizes\": [1, 1], \"activation\": \"none\", \"weights\": {\"W0\": [[1]]}, "
                        + "\"inputColumns\": [\"" + name + "\"], \"outputColumns\": [\"y\"]}");
        bodies.put("POST /keys", "{\"name\": \"" + name + "\", \"role\": \"user\"}");
        bodies.put("PUT /aliases/production", "{\"modelId\": \"" + name + "\"}");
        bodies.put("POST /models/nope/predictions", "{\"x\": [[1]], \"" + name + "\": 1}");
        bodies.put("POST /aliases/production/predictions", bodies.get("POST /models/nope/predictions"));
        bodies.forEach((request, body) -> {
            String[] methodAndPath = request.split(" ");
            byte[] sent = withOverlongSlash(body);
            JsonNode refused = problem(http.send(methodAndPath[0], methodAndPath[1], "application/json", sent), 400);
            assertThat(refused.get("type").asString()).as(request).endsWith("/malformed-json");
            assertThat(refused.get("detail").asString())
                    .as(request)
                    .startsWith("The body is not UTF-8 at line 1, column ")
                    .contains("0xC0 0xAF is an overlong encoding of U+002F ('/')");
        });
        assertThat(http.get("/jobs?limit=100").text()).doesNotContain("a/b");
        assertThat(http.get("/datasets").text()).doesNotContain("a/b");
    }

    private static final String OVERLONG_SLASH = "<overlong />";

    /** {@code body} in UTF-8, with the two bytes 0xC0 0xAF (an overlong '/') wherever it says {@link #OVERLONG_SLASH}. */
    private static byte[] withOverlongSlash(String body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        String[] parts = body.split(java.util.regex.Pattern.quote(OVERLONG_SLASH), -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.write(0xC0);
                out.write(0xAF);
            }
            out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void aWholeNumberBeyondTheRangeOfADoubleIsSaidToBeSoNotCalledInfinity() {
        // 1e400 overflows a double on its way to the field: it was refused as "'Infinity' is not a whole
        // number", a value the client never sent.
        for (String field : List.of("seed", "iterations", "layers")) {
            String value = field.equals("layers") ? "[1e400]" : "1e400";
            String body =
                    "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5, \"" + field + "\": " + value + "}";
            if (field.equals("iterations")) {
                body = "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 1e400}";
            }
            JsonNode refused = problem(http.post("/jobs", body), 400);
            assertThat(refused.get("detail").asString())
                    .as(field)
                    .contains(
                            "is beyond the range of a number (more than about 1.8e308 in size): must be a whole number")
                    .doesNotContain("Infinity");
            assertThat(refused.at("/errors/0/field").asString())
                    .isEqualTo(field.equals("layers") ? "layers[0]" : field);
        }
    }

    @Test
    void inlineDataTrainsAndFlatTargetsAreAccepted() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(
                "data",
                Map.of(
                        "x",
                        new double[][] {{0}, {1}, {2}, {3}},
                        "y",
                        new double[] {1, 3, 5, 7},
                        "testX",
                        new double[][] {{4}},
                        "testY",
                        new double[][] {{9}}));
        spec.put("layers", List.of());
        spec.put("bias", true);
        spec.put("alpha", 0.02);
        spec.put("iterations", 2000);
        spec.put("seed", 1);

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        assertThat(done.at("/spec/dataset").asString()).startsWith("inline-");
        assertThat(done.get("layerSizes").toString()).isEqualTo("[1,1]");
        assertThat(done.get("trainLoss").asDouble()).isLessThan(1e-6);
        JsonNode prediction = http.post(
                        "/models/" + done.get("modelId").asString() + "/predictions",
                        Map.of("x", new double[][] {{10}}))
                .expect(200);
        assertThat(prediction.at("/y/0/0").asDouble()).isCloseTo(21.0, org.assertj.core.data.Offset.offset(1e-3));

        String inline = done.at("/spec/dataset").asString();
        http.get("/datasets/" + inline).expect(200);
        assertThat(http.delete("/jobs/" + id).status()).isEqualTo(204);
        problem(http.get("/datasets/" + inline), 404);
        http.post("/models/" + done.get("modelId").asString() + "/predictions", Map.of("x", new double[][] {{1}}))
                .expect(200);
        started.remove(id);
    }

    @Test
    void aDivergingJobFailsWithItsHistoryKept() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "diverges");
        spec.put("dataset", "hw5");
        spec.put("layers", List.of(10));
        spec.put("activation", "relu");
        spec.put("alpha", 0.5);
        spec.put("iterations", 1000);
        spec.put("seed", 3);

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode failed = awaitStatus(id, "FAILED");

        assertThat(failed.at("/error/type").asString()).isEqualTo("diverged");
        assertThat(failed.at("/error/detail").asString()).contains("diverged at iteration");
        assertThat(failed.get("modelId").isNull()).isTrue();
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        assertThat(losses.get("train").size()).isPositive();
        for (JsonNode value : losses.get("train")) {
            assertThat(value.isNumber())
                    .as("every stored loss is a finite number")
                    .isTrue();
        }
        // the plot marks where the curve stops instead of drawing an empty or overflowed axis
        String detail = failed.at("/error/detail").asString();
        String iteration = detail.replaceAll("(?s).*diverged at iteration (\\d+).*", "$1");
        for (String path : List.of("/losses", "/gradients")) {
            String svg = http.get("/jobs/" + id + path + "?format=svg").text();
            assertThat(svg).contains(">diverged at iteration " + iteration + "<");
            assertThat(svg).doesNotContainPattern("\\d{15,}");
        }
    }

    @Test
    void historiesComeAsCsvAndAsPngOrSvgPlots() {
        String id =
                track(http.post("/jobs", withValidation(hw5Spec("plots", 200))).expect(202));
        awaitStatus(id, "SUCCEEDED");

        Http.Response csv = http.get("/jobs/" + id + "/losses", "text/csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.text().split("\r?\n");
        // The JSON answer's names, column by column with the same values: "gives the same as CSV".
        assertThat(lines[0]).isEqualTo("iteration,train,validation,test,trainMse,validationMse,testMse");
        assertThat(lines).hasSize(202);
        assertThat(lines[201]).startsWith("200,");
        JsonNode json = http.get("/jobs/" + id + "/losses").expect(200);
        String[] header = lines[0].split(",");
        for (int row : new int[] {1, 201}) {
            String[] cells = lines[row].split(",", -1);
            for (int c = 0; c < header.length; c++) {
                assertThat(json.has(header[c])).as("JSON field %s", header[c]).isTrue();
                assertThat(Double.parseDouble(cells[c]))
                        .as("%s at row %d", header[c], row)
                        .isEqualTo(json.get(header[c]).get(row - 1).asDouble());
            }
        }
        String[] gradients =
                http.get("/jobs/" + id + "/gradients?format=csv").text().split("\r?\n");
        assertThat(gradients[0]).isEqualTo("iteration,W0,W1,W0_updateRatio,W1_updateRatio");
        assertThat(gradients[1].split(",", -1))
                .hasSize(5)
                .allSatisfy(cell -> assertThat(cell).isNotEmpty());

        Http.Response png = http.get("/jobs/" + id + "/losses", "image/png");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(java.util.Arrays.copyOf(png.body(), 8))
                .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        assertThat(pngSize(png.body())).containsExactly(900, 500);
        assertThat(pngSize(http.get("/jobs/" + id + "/gradients?width=400&height=300", "image/png")
                        .body()))
                .containsExactly(400, 300);

        Http.Response svg = http.get("/jobs/" + id + "/losses?log=false", "image/svg+xml");
        assertThat(svg.status()).isEqualTo(200);
        assertThat(svg.contentType()).startsWith("image/svg+xml");
        assertThat(svg.text())
                .contains("<svg")
                .contains(">train<")
                .contains(">validation<")
                .contains(">test<");
        assertThat(http.get("/jobs/" + id + "/gradients?format=svg").text())
                .contains(">W0<")
                .contains(">W1<");
        assertThat(svgTickLabels(http.get("/jobs/" + id + "/losses?format=svg").text(), "y-axis"))
                .as("a log loss axis is labelled even when the loss spans under a decade")
                .hasSizeGreaterThanOrEqualTo(3)
                .noneMatch(label -> label.matches(".*\\d{15,}.*"));

        assertThat(http.get("/jobs/" + id + "/losses", "application/xml").status())
                .isEqualTo(406);
        problem(http.get("/jobs/" + id + "/losses?format=xls"), 400);
        problem(http.get("/jobs/" + id + "/losses?format=png&width=5"), 400);
    }

    @Test
    void severalJobsCompareOnOneChart() {
        String a = track(http.post("/jobs", hw5Spec("compare-a", 50)).expect(202));
        Map<String, Object> spec = hw5Spec("compare-b", 80);
        spec.put("activation", "relu");
        String b = track(http.post("/jobs", spec).expect(202));
        awaitStatus(a, "SUCCEEDED");
        awaitStatus(b, "SUCCEEDED");

        JsonNode comparison =
                http.get("/jobs/compare?ids=" + a + "," + b + "&series=train").expect(200);

        assertThat(comparison.get("series").asString()).isEqualTo("train");
        assertThat(comparison.at("/jobs/0/label").asString()).isEqualTo("compare-a");
        assertThat(comparison.at("/jobs/0/values").size()).isEqualTo(51);
        assertThat(comparison.at("/jobs/1/values").size()).isEqualTo(81);
        String svg =
                http.get("/jobs/compare?ids=" + a + "," + b + "&format=svg").text();
        assertThat(svg).contains(">compare-a<").contains(">compare-b<");
        assertThat(http.get("/jobs/compare?ids=" + a + "," + b, "image/png").contentType())
                .isEqualTo("image/png");
        String[] csv = http.get("/jobs/compare?ids=" + a + "," + b + "&series=train&format=csv")
                .text()
                .split("\r?\n");
        assertThat(csv[0]).as("the JSON's names").isEqualTo("jobId,label,iteration,train");
        assertThat(csv).hasSize(1 + 51 + 81);
        assertThat(csv[1]).startsWith(a + ",compare-a,0,");
        problem(http.get("/jobs/compare?ids=" + a + "&series=loss"), 400);
        problem(http.get("/jobs/compare?ids=nope"), 404);
        // Empty entries (a trailing comma from a client joining a list) name no job: skipped, not 404.
        assertThat(http.get("/jobs/compare?ids=" + a + ",," + b + ",")
                        .expect(200)
                        .get("jobs")
                        .size())
                .isEqualTo(2);
        assertThat(problem(http.get("/jobs/compare?ids=,%20,"), 400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("ids");
    }

    @Test
    void anEventStreamFollowsAJobFromQueuedToSucceeded() throws Exception {
        String blocker1 = track(http.post("/jobs", longSpec("block-1")).expect(202));
        String blocker2 = track(http.post("/jobs", longSpec("block-2")).expect(202));
        awaitStatus(blocker1, "RUNNING");
        awaitStatus(blocker2, "RUNNING");
        String id = track(http.post("/jobs", hw5Spec("watched", 3000)).expect(202));

        java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<List<String[]>> events =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> http.events("/jobs/" + id + "/events", subscribed::countDown));
        assertThat(subscribed.await(TRAINING.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        http.post("/jobs/" + blocker1 + "/cancel", "").expect(202);
        List<String[]> received = events.get(TRAINING.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        assertThat(received).isNotEmpty();
        assertThat(received.get(0)[0]).isEqualTo("status");
        assertThat(Http.JSON.readTree(received.get(0)[1]).get("status").asString())
                .isEqualTo("QUEUED");
        List<String> statuses = received.stream()
                .filter(e -> e[0].equals("status"))
                .map(e -> Http.JSON.readTree(e[1]).get("status").asString())
                .toList();
        assertThat(statuses).as("each status change once").containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        List<JsonNode> progress = received.stream()
                .filter(e -> e[0].equals("progress"))
                .map(e -> Http.JSON.readTree(e[1]))
                .toList();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).get("iterations").asInt()).isEqualTo(3000);
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i).get("iteration").asInt())
                    .isGreaterThanOrEqualTo(progress.get(i - 1).get("iteration").asInt());
        }
        JsonNode finished = http.events("/jobs/" + id + "/events").stream()
                .map(e -> Http.JSON.readTree(e[1]))
                .reduce((first, second) -> second)
                .orElseThrow();
        assertThat(finished.get("status").asString())
                .as("a finished job's stream says so and ends")
                .isEqualTo("SUCCEEDED");
    }

    // ---------------------------------------------------------------- queue, cancel, delete

    @Test
    void cancellingAQueuedJobIsImmediateAndARunningJobStopsWithItsHistory() {
        String first = track(http.post("/jobs", longSpec("long-1")).expect(202));
        String second = track(http.post("/jobs", longSpec("long-2")).expect(202));
        awaitStatus(first, "RUNNING");
        awaitStatus(second, "RUNNING");
        String queued = track(http.post("/jobs", longSpec("waiting")).expect(202));
        assertThat(http.get("/jobs/" + queued).json().get("status").asString()).isEqualTo("QUEUED");

        JsonNode cancelled = http.post("/jobs/" + queued + "/cancel", "").expect(202);

        assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.at("/progress/etaSeconds").isNull())
                .as("a job that will never finish has no ETA, not 0 (done now)")
                .isTrue();
        await().atMost(TRAINING)
                .until(() -> http.get("/jobs/" + first)
                                .json()
                                .at("/progress/iteration")
                                .asInt()
                        > 5);
        http.post("/jobs/" + first + "/cancel", "").expect(202);
        JsonNode stopped = awaitStatus(first, "CANCELLED");
        assertThat(stopped.get("modelId").isNull()).isTrue();
        assertThat(stopped.at("/attemptHistory/0/outcome").asString()).isEqualTo("cancelled");
        assertThat(stopped.at("/progress/etaSeconds").isNull()).isTrue();
        assertThat(stopped.at("/progress/iteration").asInt()).isGreaterThan(5);
        assertThat(cancelled.get("attemptHistory").size())
                .as("cancelled while queued: never claimed")
                .isZero();
        assertThat(http.get("/jobs/" + first + "/losses").json().get("train").size())
                .isPositive();
        problem(http.post("/jobs/" + first + "/cancel", ""), 409);
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() {
        track(http.post("/jobs", longSpec("busy-1")).expect(202));
        track(http.post("/jobs", longSpec("busy-2")).expect(202));
        await().atMost(TRAINING).until(() -> count("RUNNING") == 2);
        for (int i = 0; i < 4; i++) {
            track(http.post("/jobs", longSpec("queued-" + i)).expect(202));
        }

        Http.Response refused = http.post("/jobs", longSpec("one too many"));

        JsonNode problem = problem(refused, 429);
        assertThat(refused.header("Retry-After")).matches("\\d+");
        assertThat(problem.get("detail").asString()).contains("trainyard.limits.queue-capacity");
    }

    @Test
    void finishedJobsCanBeDeletedButActiveOnesCannot() {
        String running = track(http.post("/jobs", longSpec("active")).expect(202));
        problem(http.delete("/jobs/" + running), 409);
        String done = track(http.post("/jobs", hw5Spec("to delete", 10)).expect(202));
        awaitStatus(done, "SUCCEEDED");

        assertThat(http.delete("/jobs/" + done).status()).isEqualTo(204);

        problem(http.get("/jobs/" + done), 404);
        problem(http.get("/jobs/" + done + "/losses"), 404);
        started.remove(done);
    }

    @Test
    void aFinishedJobsKeptAnswersAreTheFreshOnesAndGoWithTheJob() {
        String id = track(http.post("/jobs", hw5Spec("kept answers", 300)).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        // Read again (from memory now), it is what the list computes afresh from the database, byte for byte.
        Http.Response again = http.get("/jobs/" + id);
        assertThat(again.contentType()).startsWith("application/json");
        assertThat(again.json()).isEqualTo(done);
        JsonNode listed = http.get("/jobs?name=kept%20answers").json().at("/items/0");
        assertThat(again.text()).isEqualTo(Http.JSON.writeValueAsString(listed));

        // A downsampled history read twice is the same answer, header included, and the right one.
        Http.Response first = http.get("/jobs/" + id + "/losses?maxPoints=20");
        Http.Response second = http.get("/jobs/" + id + "/losses?maxPoints=20");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.header("Trainyard-History-Resolution")).isEqualTo("full");
        assertThat(second.json().get("iteration")).hasSize(20);
        assertThat(second.json().at("/iteration/19").asInt()).isEqualTo(300);
        assertThat(http.get("/jobs/" + id + "/losses?maxPoints=20&since=150")
                        .json()
                        .at("/iteration/0")
                        .asInt())
                .as("since is part of the question")
                .isGreaterThan(150);
        assertThat(http.get("/jobs/" + id + "/gradients?maxPoints=7").json().at("/layers/W1"))
                .hasSize(7);
        assertThat(http.get("/jobs/" + id + "/losses?maxPoints=20&format=csv").text())
                .as("other representations are not the JSON kept")
                .startsWith("iteration,train");

        assertThat(http.delete("/jobs/" + id).status()).isEqualTo(204);
        started.remove(id);
        problem(http.get("/jobs/" + id), 404);
        problem(http.get("/jobs/" + id + "/losses?maxPoints=20"), 404);
        problem(http.get("/jobs/" + id + "/gradients?maxPoints=7"), 404);
    }

    @Test
    void aRunningJobIsReadAfreshEveryTime() {
        String id = track(http.post("/jobs", longSpec("read afresh")).expect(202));
        awaitStatus(id, "RUNNING");
        int seen = http.get("/jobs/" + id).json().at("/progress/iteration").asInt();
        await().atMost(TRAINING)
                .until(() ->
                        http.get("/jobs/" + id).json().at("/progress/iteration").asInt() > seen);
        int stored =
                lastIteration(http.get("/jobs/" + id + "/losses?maxPoints=5").expect(200));
        await().atMost(TRAINING)
                .until(() -> lastIteration(
                                http.get("/jobs/" + id + "/losses?maxPoints=5").expect(200))
                        > stored);

        http.post("/jobs/" + id + "/cancel", "").expect(202);
        JsonNode cancelled = awaitStatus(id, "CANCELLED");
        assertThat(http.get("/jobs/" + id).json())
                .as("the final status, at once")
                .isEqualTo(cancelled);
    }

    @Test
    void jobsAreListedNewestFirstWithFiltersAndCursors() {
        String tag = "page-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(track(http.post("/jobs", hw5Spec(tag + "-" + i, 5)).expect(202)));
        }
        ids.forEach(id -> awaitStatus(id, "SUCCEEDED"));

        JsonNode page1 =
                http.get("/jobs?name=" + tag.toUpperCase() + "&limit=2").expect(200);
        assertThat(page1.get("items").size()).isEqualTo(2);
        assertThat(page1.at("/items/0/id").asString()).isEqualTo(ids.get(2));
        assertThat(page1.at("/items/1/id").asString()).isEqualTo(ids.get(1));
        JsonNode page2 = http.get("/jobs?name=" + tag + "&limit=2&cursor="
                        + page1.get("nextCursor").asString())
                .expect(200);
        assertThat(page2.get("items").size()).isEqualTo(1);
        assertThat(page2.at("/items/0/id").asString()).isEqualTo(ids.get(0));
        assertThat(page2.get("nextCursor").isNull()).isTrue();
        assertThat(http.get("/jobs?status=SUCCEEDED&name=" + tag)
                        .json()
                        .get("items")
                        .size())
                .isEqualTo(3);
        assertThat(http.get("/jobs?status=FAILED&name=" + tag)
                        .json()
                        .get("items")
                        .size())
                .isZero();
        problem(http.get("/jobs?cursor=garbage"), 400);
        problem(http.get("/jobs?status=DONE"), 400);
    }

    // ---------------------------------------------------------------- models

    @Test
    void anImportedModelPredictsLikeTheEngineAndWarmStartsAJob() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("layerSizes", List.of(5, 3, 1));
        body.put("activation", "tanh");
        body.put("bias", true);
        body.put(
                "preprocessing",
                Map.of(
                        "basisDegree",
                        1,
                        "normalize",
                        true,
                        "mean",
                        new double[] {5, 50, 0, 1.5, 0.5},
                        "std",
                        new double[] {2.5, 15, 0.6, 0.8, 0.5}));
        double[][] w0 = {{0.1, -0.2, 0.3}, {0.05, 0.1, -0.1}, {0.2, 0.2, 0.2}, {-0.3, 0.1, 0.0}, {0.4, -0.4, 0.1}};
        double[][] w1 = {{1.5}, {-2.0}, {0.7}};
        body.put("weights", Map.of("W0", w0, "W1", w1));
        body.put("biases", Map.of("b0", new double[] {0.1, 0.2, 0.3}, "b1", new double[] {3.0}));

        Http.Response created = http.post("/models", body);

        JsonNode model = created.expect(201);
        String modelId = model.get("id").asString();
        assertThat(created.header("Location")).isEqualTo("/models/" + modelId);
        assertThat(model.get("jobId").isNull()).isTrue();

        double[][] x = {{2.3, 45.2, -0.05, 0.87, 1.0}, {7.7, 63.3, -0.69, 2.2, 0.0}};
        JsonNode predicted =
                http.post("/models/" + modelId + "/predictions", Map.of("x", x)).expect(200);
        Model engine = new Model(
                Network.of(
                        new int[] {5, 3, 1},
                        Activation.TANH,
                        List.of(new Array2DRowRealMatrix(w0), new Array2DRowRealMatrix(w1)),
                        List.of(
                                new org.apache.commons.math3.linear.ArrayRealVector(new double[] {0.1, 0.2, 0.3}),
                                new org.apache.commons.math3.linear.ArrayRealVector(new double[] {3.0}))),
                Preprocessing.of(1, new double[] {5, 50, 0, 1.5, 0.5}, new double[] {2.5, 15, 0.6, 0.8, 0.5}));
        RealMatrix expected = engine.predict(new Array2DRowRealMatrix(x));
        assertThat(predicted.at("/y/0/0").asDouble()).isEqualTo(expected.getEntry(0, 0));
        assertThat(predicted.at("/y/1/0").asDouble()).isEqualTo(expected.getEntry(1, 0));
        JsonNode wrongWidth =
                problem(http.post("/models/" + modelId + "/predictions", Map.of("x", new double[][] {{1, 2}})), 400);
        assertThat(wrongWidth.get("detail").asString()).contains("2 columns").contains("expects 5");

        Map<String, Object> warm = hw5Spec("warm", 0);
        warm.put("layers", List.of(3));
        warm.put("activation", "tanh");
        warm.put("bias", true);
        warm.put("normalize", true);
        warm.put("warmStartModel", modelId);
        String id = track(http.post("/jobs", warm).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        JsonNode trained = http.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(trained.at("/weights/W1/1/0").asDouble()).isEqualTo(-2.0);
        // The model's preprocessing, not one refitted to hw5 (whose means are 4.973, 49.693, -0.035,
        // 1.944, 0.525): the weights were learned on inputs scaled this way (README, warmStartModel).
        assertThat(Http.JSON.treeToValue(trained.at("/preprocessing/mean"), double[].class))
                .containsExactly(5, 50, 0, 1.5, 0.5);
        assertThat(Http.JSON.treeToValue(trained.at("/preprocessing/std"), double[].class))
                .containsExactly(2.5, 15, 0.6, 0.8, 0.5);

        warm.put("activation", "relu");
        JsonNode mismatch = problem(http.post("/jobs", warm), 409);
        assertThat(mismatch.get("detail").asString()).contains("activation");
        // In a sweep, the 409 says which grid point the model does not fit.
        warm.put("activation", "tanh");
        warm.put("validationFraction", 0.2);
        warm.remove("layers");
        JsonNode member = problem(
                http.post("/sweeps", Map.of("base", warm, "grid", Map.of("layers", List.of(List.of(3), List.of(4))))),
                409);
        assertThat(member.get("detail").asString())
                .startsWith("The member at {layers=[4]} (member 2 of 2): Model " + modelId)
                .contains("layers");

        assertThat(http.get("/models?limit=500").json().get("items").findValuesAsString("id"))
                .contains(modelId);
        assertThat(http.delete("/models/" + modelId).status()).isEqualTo(204);
        problem(http.get("/models/" + modelId), 404);
        problem(http.delete("/models/" + modelId), 404);
    }

    @Test
    void modelsAreListedNewestFirstWithTheirWeightsAndPageByCursor() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(http.post(
                            "/models",
                            Map.of(
                                    "layerSizes",
                                    List.of(1, 1),
                                    "activation",
                                    "none",
                                    "weights",
                                    Map.of("W0", new double[][] {{i}}),
                                    "trainLoss",
                                    i))
                    .expect(201)
                    .get("id")
                    .asString());
        }

        JsonNode first = http.get("/models?limit=2").expect(200);

        assertThat(first.get("items").findValuesAsString("id")).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.at("/items/0"))
                .as("a listed model is its GET /models/{id} answer")
                .isEqualTo(http.get("/models/" + ids.get(2)).expect(200));
        assertThat(first.at("/items/0/weights/W0").toString()).isEqualTo("[[2.0]]");
        assertThat(first.at("/items/0/layerSizes").toString()).isEqualTo("[1,1]");
        assertThat(first.at("/items/0/trainLoss").asDouble()).isEqualTo(2.0);
        JsonNode second = http.get(
                        "/models?limit=2&cursor=" + first.get("nextCursor").asString())
                .expect(200);
        assertThat(second.at("/items/0/id").asString()).isEqualTo(ids.get(0));
        JsonNode summaries = http.get("/models?limit=2&weights=false").expect(200);
        assertThat(summaries.get("items").findValuesAsString("id")).containsExactly(ids.get(2), ids.get(1));
        assertThat(summaries.at("/items/0/weights").isNull()).as("summaries").isTrue();
        assertThat(summaries.at("/items/0/lineage/imported").asBoolean()).isTrue();
        problem(http.get("/models?cursor=nonsense"), 400);
        ids.forEach(id -> http.delete("/models/" + id));
    }

    /** A page of large models stops at 250,000 parameters (at least one model) and goes on by cursor. */
    @Test
    void aPageOfLargeModelsHoldsAsManyAsFitAndTheCursorGoesOn() {
        double[][] w0 = new double[300][500];
        double[][] w1 = new double[500][1];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            w1[0][0] = i;
            ids.add(http.post(
                            "/models",
                            Map.of(
                                    "layerSizes",
                                    List.of(300, 500, 1),
                                    "activation",
                                    "tanh",
                                    "weights",
                                    Map.of("W0", w0, "W1", w1)))
                    .expect(201)
                    .get("id")
                    .asString());
        }
        try {
            // 150,500 parameters each: two do not fit in one page.
            JsonNode first = http.get("/models?limit=10").expect(200);
            assertThat(first.get("items").findValuesAsString("id")).containsExactly(ids.get(1));
            assertThat(first.at("/items/0/weights/W1/0/0").asDouble()).isEqualTo(1.0);
            JsonNode second = http.get(
                            "/models?limit=10&cursor=" + first.get("nextCursor").asString())
                    .expect(200);
            assertThat(second.at("/items/0/id").asString()).isEqualTo(ids.get(0));
            assertThat(second.at("/items/0/weights/W0").size()).isEqualTo(300);
        } finally {
            ids.forEach(id -> http.delete("/models/" + id));
        }
    }

    @Test
    void aModelAQueuedJobWarmStartsFromCannotBeDeletedUntilTheJobIsCancelled() {
        String model = http.post(
                        "/models",
                        Map.of(
                                "layerSizes",
                                List.of(5, 1),
                                "activation",
                                "none",
                                "weights",
                                Map.of("W0", new double[][] {{1}, {1}, {1}, {1}, {1}})))
                .expect(201)
                .get("id")
                .asString();
        String blocker1 = track(http.post("/jobs", longSpec("hold-1")).expect(202));
        String blocker2 = track(http.post("/jobs", longSpec("hold-2")).expect(202));
        awaitStatus(blocker1, "RUNNING");
        awaitStatus(blocker2, "RUNNING");
        Map<String, Object> warm = hw5Spec("warm from a deleted model", 10);
        warm.put("layers", List.of());
        warm.put("activation", "none");
        warm.put("bias", false);
        warm.put("normalize", false);
        warm.put("warmStartModel", model);
        String id = track(http.post("/jobs", warm).expect(202));

        // As a data set: a 409 naming the job, not a 204 that leaves the job to fail with missing-input.
        JsonNode refused = problem(http.delete("/models/" + model), 409);
        assertThat(refused.get("detail").asString())
                .contains("the queued or running job [" + id + "] warm-starts from it")
                .contains("POST /jobs/{id}/cancel");
        http.get("/models/" + model).expect(200);
        assertThat(http.get("/jobs/" + id).expect(200).get("status").asString()).isEqualTo("QUEUED");

        http.post("/jobs/" + id + "/cancel", "").expect(202);
        assertThat(http.delete("/models/" + model).status()).isEqualTo(204);
        problem(http.get("/models/" + model), 404);
    }

    @Test
    void inputsThatCannotBePreprocessedAreRefusedOrFailTheJobWithAReason() {
        double[][] x = {{1}, {2}, {3}, {1e200}};
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("data", Map.of("x", x, "y", new double[] {1, 2, 3, 4}));
        spec.put("basisDegree", 10);
        spec.put("normalize", true);
        spec.put("alpha", 0.01);
        spec.put("iterations", 5);
        spec.put("seed", 1);

        // Inline: known at submission, so a 400 naming the cell (it used to be queued and fail as `internal`).
        for (String path : List.of("/jobs", "/jobs?dryRun=true")) {
            JsonNode refused = problem(http.post(path, spec), 400);
            assertThat(refused.at("/errors/0/field").asString()).isEqualTo("data.x");
            assertThat(refused.at("/errors/0/message").asString())
                    .contains("row 3, column 0")
                    .contains("basisDegree");
        }

        // An uploaded data set is only read when the job starts: it fails there, saying why.
        String dataset = http.post("/datasets", Map.of("name", "huge inputs", "x", x, "y", new double[] {1, 2, 3, 4}))
                .expect(201)
                .get("id")
                .asString();
        spec.remove("data");
        spec.put("dataset", dataset);
        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode failed = awaitStatus(id, "FAILED");
        assertThat(failed.at("/error/type").asString()).isEqualTo("unusable-input");
        assertThat(failed.at("/error/detail").asString())
                .contains("row 3, column 0")
                .contains("basisDegree");

        // Squares beyond a double but powers within it (1e16^10 = 1e160) normalise and train.
        spec.remove("dataset");
        spec.put("data", Map.of("x", new double[][] {{1e16}, {-1e16}, {2}, {3e15}}, "y", new double[] {1, 2, 3, 4}));
        awaitStatus(track(http.post("/jobs", spec).expect(202)), "SUCCEEDED");
    }

    @Test
    void namesAreAtMost200CharactersAsAPersonCountsThem() {
        // An emoji is one character but two UTF-16 units: 200 of them are stored and come back whole.
        String emoji = "\uD83D\uDE00";
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dataset", "hw5");
        spec.put("alpha", 0.001);
        spec.put("iterations", 1);
        spec.put("seed", 1);
        spec.put("name", emoji.repeat(200));
        String id = track(http.post("/jobs", spec).expect(202));
        assertThat(http.get("/jobs/" + id).json().get("name").asString()).isEqualTo(emoji.repeat(200));
        String dataset = http.post(
                        "/datasets",
                        Map.of("name", emoji.repeat(200), "x", new double[][] {{1}}, "y", new double[] {1}))
                .expect(201)
                .get("id")
                .asString();
        assertThat(http.get("/datasets/" + dataset).json().get("name").asString())
                .isEqualTo(emoji.repeat(200));

        spec.put("name", emoji.repeat(201));
        JsonNode refused = problem(http.post("/jobs?dryRun=true", spec), 400);
        assertThat(refused.at("/errors/0/message").asString()).isEqualTo("must be at most 200 characters, got 201");
    }

    @Test
    void heldOutRowsAndTargetsWhoseLossCannotBeANumberAreRefusedOrFailTheJobWithAReason() {
        double[][] x = {{1}, {2}};
        double[] y = {1, 2};
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("basisDegree", 10);
        spec.put("alpha", 0.01);
        spec.put("iterations", 2);
        spec.put("seed", 1);

        // Test or validation inputs whose expansion leaves the range of a double: every loss on them
        // would be NaN or Infinity (the job used to succeed with "testLoss": "Infinity").
        for (String part : List.of("test", "validation")) {
            spec.put("data", Map.of("x", x, "y", y, part + "X", new double[][] {{1e40}}, part + "Y", new double[] {1}));
            JsonNode refused = problem(http.post("/jobs?dryRun=true", spec), 400);
            assertThat(refused.at("/errors/0/field").asString()).isEqualTo("data." + part + "X");
            assertThat(refused.at("/errors/0/message").asString())
                    .contains("row 0, column 0")
                    .contains("to the power 8 (basisDegree 10)");
        }
        // Targets whose squares overflow: no squared-error loss of them is a number.
        spec.put("basisDegree", 1);
        spec.put("data", Map.of("x", x, "y", y, "testX", new double[][] {{1}}, "testY", new double[] {1e200}));
        JsonNode refused = problem(http.post("/jobs", spec), 400);
        assertThat(refused.at("/errors/0/field").asString()).isEqualTo("data.testY");
        assertThat(refused.at("/errors/0/message").asString()).contains("squares of target column 0");
        problem(http.post("/datasets", Map.of("name", "huge targets", "x", x, "y", new double[] {1e200, 1e200})), 400);

        // An uploaded data set's test rows meet the job's preprocessing only when it starts.
        String dataset = http.post(
                        "/datasets",
                        Map.of(
                                "name",
                                "huge test inputs",
                                "x",
                                x,
                                "y",
                                y,
                                "testX",
                                new double[][] {{1e40}},
                                "testY",
                                new double[] {1}))
                .expect(201)
                .get("id")
                .asString();
        spec.remove("data");
        spec.put("dataset", dataset);
        spec.put("basisDegree", 10);
        JsonNode failed = awaitStatus(track(http.post("/jobs", spec).expect(202)), "FAILED");
        assertThat(failed.at("/error/type").asString()).isEqualTo("unusable-input");
        assertThat(failed.at("/error/detail").asString())
                .contains("test row 0, column 0")
                .contains("basisDegree");
        spec.put("basisDegree", 3);
        JsonNode trained = awaitStatus(track(http.post("/jobs", spec).expect(202)), "SUCCEEDED");
        assertThat(trained.at("/testLoss").isNumber()).isTrue();
    }

    @Test
    void badModelImportsAndPredictionsAreExplained() {
        JsonNode shape = problem(
                http.post(
                        "/models",
                        Map.of(
                                "layerSizes",
                                List.of(2, 1),
                                "activation",
                                "none",
                                "weights",
                                Map.of("W0", new double[][] {{1, 2}}))),
                400);
        assertThat(shape.toString()).contains("weights.W0");
        problem(
                http.post(
                        "/models",
                        Map.of(
                                "layerSizes",
                                List.of(2, 1),
                                "activation",
                                "softmax",
                                "weights",
                                Map.of("W0", new double[][] {{1}, {2}}))),
                400);
        problem(http.post("/models", "{\"id\": \"x\"}"), 400);
        problem(http.post("/models/nope/predictions", Map.of("x", new double[][] {{1}})), 404);
    }

    // ---------------------------------------------------------------- data sets, operations

    @Test
    void theHomeworkDataSetIsBuiltIn() {
        JsonNode list = http.get("/datasets").expect(200);
        JsonNode hw5 = http.get("/datasets/hw5").expect(200);

        assertThat(list.get("items").findValuesAsString("id")).contains("hw5");
        assertThat(hw5.get("trainRows").asInt()).isEqualTo(400);
        assertThat(hw5.get("testRows").asInt()).isEqualTo(200);
        assertThat(hw5.get("features").asInt()).isEqualTo(5);
        assertThat(hw5.get("targets").asInt()).isEqualTo(1);
        assertThat(hw5.get("columns").toString()).isEqualTo("[\"x1\",\"x2\",\"x3\",\"x4\",\"x5\",\"y\"]");
        assertThat(hw5.get("builtIn").asBoolean()).isTrue();
        problem(http.get("/datasets/nope"), 404);
    }

    @Test
    void healthMetricsAndApiDocsAreServedAndNothingElseOfActuator() {
        assertThat(http.get("/actuator/health").expect(200).get("status").asString())
                .isEqualTo("UP");
        assertThat(http.get("/actuator/health/liveness")
                        .expect(200)
                        .get("status")
                        .asString())
                .isEqualTo("UP");
        assertThat(http.get("/actuator/health/readiness")
                        .expect(200)
                        .get("status")
                        .asString())
                .isEqualTo("UP");
        http.get("/actuator/info").expect(200);
        String metrics = http.get("/actuator/prometheus").text();
        assertThat(metrics)
                .contains(
                        "trainyard_jobs_queued",
                        "trainyard_jobs_running",
                        "trainyard_training_iterations",
                        "trainyard_kernel_backups_total",
                        "trainyard_job_attempts_ended_total{",
                        "outcome=\"lost\"",
                        "trainyard_jobs_requeued_total{",
                        "reason=\"recovered\"");
        assertThat(http.get("/actuator/env").status()).isEqualTo(404);
        assertThat(http.get("/actuator/beans").status()).isEqualTo(404);
        JsonNode docs = http.get("/v3/api-docs").expect(200);
        assertThat(docs.get("paths").propertyNames())
                .contains(
                        "/jobs",
                        "/jobs/{id}",
                        "/jobs/{id}/cancel",
                        "/jobs/{id}/losses",
                        "/jobs/{id}/gradients",
                        "/models",
                        "/models/{id}",
                        "/models/{id}/predictions",
                        "/datasets",
                        "/datasets/{id}");
        assertThat(docs.at("/components/schemas/Job/properties/attemptHistory/items/$ref")
                        .asString())
                .isEqualTo("#/components/schemas/JobAttempt");
        List<String> outcomes = new ArrayList<>();
        docs.at("/components/schemas/JobAttempt/properties/outcome/enum").forEach(v -> {
            if (!v.isNull()) { // a running attempt has no outcome yet
                outcomes.add(v.asString());
            }
        });
        assertThat(outcomes).containsExactlyInAnyOrder("succeeded", "failed", "cancelled", "handed-back", "lost");
        assertThat(http.get("/swagger-ui.html").status()).isEqualTo(200);
        // The addresses people type lead there too (redirects followed), without a key.
        for (String typed : List.of("/swagger-ui", "/swagger-ui/")) {
            Http.Response page = http.as(null).get(typed);
            assertThat(page.status()).as(typed).isEqualTo(200);
            assertThat(page.text()).as(typed).contains("swagger-ui");
        }
    }

    @Test
    void anOversizedBodyIsRefusedWith413() {
        // Only the head of a 3 MB upload: the 413 comes from its Content-Length, before any of the body is
        // read, so none need be sent. (Sent whole, the service closes the connection on the unread rest
        // (AbandonedBodies), and the reset could reach a client before it had read the 413: CI, session 33,
        // "header parser received no bytes". Java's HttpClient cannot send just a head: its Expect:
        // 100-continue waits forever for an answer that is not a 100 on Java 17.)
        List<String> head = new ArrayList<>(List.of(
                "Content-Type: application/json", "Content-Length: " + (3 * 1024 * 1024 + 12), "Connection: close"));
        if (http.key() != null) {
            head.add("Authorization: Bearer " + http.key());
        }
        Http.Response response = http.raw("POST", "/jobs", head.toArray(String[]::new));

        problem(response, 413);
        // Refused from Content-Length before Spring Security's header writer runs: the headers every API
        // answer carries, and JSON's own charset (the answer said charset=ISO-8859-1).
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).contains("no-store");
        assertThat(response.contentType()).doesNotContainIgnoringCase("ISO-8859-1");
    }

    // ---------------------------------------------------------------- bad specs

    static Stream<Arguments> badSpecs() {
        String ok = "\"dataset\": \"hw5\", \"alpha\": 0.001";
        return Stream.of(
                bad("empty body", ""),
                bad("not JSON", "not json"),
                bad("an array", "[]"),
                bad("empty object", "{}"),
                bad("alpha missing", "{\"dataset\": \"hw5\"}"),
                bad("alpha null", "{\"dataset\": \"hw5\", \"alpha\": null}"),
                bad("alpha zero", "{\"dataset\": \"hw5\", \"alpha\": 0}"),
                bad("alpha negative", "{\"dataset\": \"hw5\", \"alpha\": -0.1}"),
                bad("alpha as a string", "{\"dataset\": \"hw5\", \"alpha\": \"0.1\"}"),
                bad("alpha NaN", "{\"dataset\": \"hw5\", \"alpha\": NaN}"),
                bad("alpha Infinity", "{\"dataset\": \"hw5\", \"alpha\": Infinity}"),
                bad("alpha overflowing to infinity", "{\"dataset\": \"hw5\", \"alpha\": 1e400}"),
                bad("unknown field", "{" + ok + ", \"learningRate\": 0.1}"),
                bad("zero width", "{" + ok + ", \"layers\": [0]}"),
                bad("negative width", "{" + ok + ", \"layers\": [-5]}"),
                bad("fractional width", "{" + ok + ", \"layers\": [1.5]}"),
                bad("layers not an array", "{" + ok + ", \"layers\": \"20\"}"),
                bad("null width", "{" + ok + ", \"layers\": [null]}"),
                bad("too many layers", "{" + ok + ", \"layers\": " + repeat("2", 33) + "}"),
                bad("too wide", "{" + ok + ", \"layers\": [5000]}"),
                bad("too many parameters", "{" + ok + ", \"layers\": " + repeat("1024", 6) + "}"),
                bad("negative iterations", "{" + ok + ", \"iterations\": -1}"),
                // PostgreSQL cannot store U+0000 in text: refused up front on both stores, not a 500 there.
                bad("a NUL in the name", "{" + ok + ", \"name\": \"a\\u0000b\"}"),
                bad("too many iterations", "{" + ok + ", \"iterations\": 2000000}"),
                bad("fractional iterations", "{" + ok + ", \"iterations\": 1.5}"),
                bad("unknown activation", "{" + ok + ", \"activation\": \"softmax\"}"),
                bad("activation a number", "{" + ok + ", \"activation\": 3}"),
                bad("bias a string", "{" + ok + ", \"bias\": \"yes\"}"),
                bad("bias a number", "{" + ok + ", \"bias\": 1}"),
                bad("negative scale", "{" + ok + ", \"scale\": -0.1}"),
                bad("infinite scale", "{" + ok + ", \"scale\": 1e400}"),
                bad("basis degree 0", "{" + ok + ", \"basisDegree\": 0}"),
                bad("basis degree 11", "{" + ok + ", \"basisDegree\": 11}"),
                bad("validation fraction 1", "{" + ok + ", \"validationFraction\": 1.0}"),
                bad("negative validation fraction", "{" + ok + ", \"validationFraction\": -0.1}"),
                bad("validation fraction under one row", "{" + ok + ", \"validationFraction\": 0.001}"),
                bad("unknown data set", "{\"dataset\": \"nope\", \"alpha\": 0.1}"),
                bad("data set and data", "{" + ok + ", \"data\": {\"x\": [[1]], \"y\": [1]}}"),
                bad("ragged x", "{\"alpha\": 0.1, \"data\": {\"x\": [[1, 2], [3]], \"y\": [1, 2]}}"),
                bad("y rows differ", "{\"alpha\": 0.1, \"data\": {\"x\": [[1], [2]], \"y\": [1]}}"),
                bad("empty x", "{\"alpha\": 0.1, \"data\": {\"x\": [], \"y\": []}}"),
                bad("x missing", "{\"alpha\": 0.1, \"data\": {\"y\": [1]}}"),
                bad("testX without testY", "{\"alpha\": 0.1, \"data\": {\"x\": [[1]], \"y\": [1], \"testX\": [[1]]}}"),
                bad(
                        "testX narrower than x",
                        "{\"alpha\": 0.1, \"data\": {\"x\": [[1, 2]], \"y\": [1], \"testX\": [[1]], \"testY\": [1]}}"),
                bad("a word in x", "{\"alpha\": 0.1, \"data\": {\"x\": [[1, \"a\"]], \"y\": [1]}}"),
                bad("infinity in x", "{\"alpha\": 0.1, \"data\": {\"x\": [[1e400]], \"y\": [1]}}"),
                bad("ragged y", "{\"alpha\": 0.1, \"data\": {\"x\": [[1], [2]], \"y\": [[1, 2], [3]]}}"),
                bad(
                        "expanded inputs too wide",
                        "{\"alpha\": 0.1, \"basisDegree\": 10, \"data\": {\"x\": [" + repeat("1", 120)
                                + "], \"y\": [1]}}"),
                bad("name too long", "{" + ok + ", \"name\": \"" + "n".repeat(201) + "\"}"),
                bad("unknown warm-start model", "{" + ok + ", \"warmStartModel\": \"nope\"}"),
                bad("seed a string", "{" + ok + ", \"seed\": \"abc\"}"),
                bad("fractional seed", "{" + ok + ", \"seed\": 1.5}"),
                bad("trailing garbage", "{" + ok + "} x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void aBadSpecIsA4xxProblemThatSaysWhatToFix(String description, String body) {
        Http.Response response = http.post("/jobs", body);

        assertThat(response.status()).as("%s: %s", description, response.text()).isBetween(400, 499);
        JsonNode problem = problem(response, response.status());
        assertThat(problem.get("detail").asString()).as(description).isNotBlank();
    }

    @Test
    void aRowElementThatIsNotANumberIsNamedAsOne() {
        for (String element : List.of("null", "\"a\"", "[1]", "{}")) {
            JsonNode problem = problem(
                    http.post("/jobs", "{\"data\": {\"x\": [[1], [" + element + "]], \"y\": [1, 2]}, \"alpha\": 0.1}"),
                    400);
            assertThat(problem.at("/errors/0/field").asString()).as(element).isEqualTo("data.x[1][0]");
            assertThat(problem.at("/errors/0/message").asString()).as(element).isEqualTo("must be a number");
        }
        // A row that is not an array is still named as one.
        assertThat(problem(http.post("/jobs", "{\"data\": {\"x\": [[1], 2], \"y\": [1, 2]}, \"alpha\": 0.1}"), 400)
                        .at("/errors/0/message")
                        .asString())
                .isEqualTo("must be an array");
    }

    /**
     * A whole number written out beyond a double's range (a 1 and 400 zeros) among the targets is
     * refused as 1e400 is, on the value's own field and index: it was a 500, Jackson 3's asDouble()
     * throwing for it.
     */
    @Test
    void aWholeNumberBeyondADoublesRangeInTheTargetsIsNamedAs1e400Is() {
        String big = "1" + "0".repeat(400);
        String x = "\"x\": [[1], [2]]";
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("\"y\": [1, " + big + "]", "data.y[1][0]");
        targets.put("\"y\": [[1], [-" + big + "]]", "data.y[1][0]");
        targets.put("\"y\": [1, 2], \"testX\": [[3]], \"testY\": [" + big + "]", "data.testY[0][0]");
        targets.put(
                "\"y\": [1, 2], \"validationX\": [[3]], \"validationY\": [[" + big + "]]", "data.validationY[0][0]");
        targets.forEach((data, field) -> {
            JsonNode problem = problem(
                    http.post("/jobs?dryRun=true", "{\"data\": {" + x + ", " + data + "}, \"alpha\": 0.01}"), 400);
            assertThat(problem.at("/errors/0/field").asString()).as(data).isEqualTo(field);
            assertThat(problem.at("/errors/0/message").asString())
                    .as(data)
                    .startsWith("must be a finite number, got ")
                    .endsWith("Infinity");
            // As 1e400 in the same place is refused.
            JsonNode overflow = problem(
                    http.post(
                            "/jobs?dryRun=true",
                            "{\"data\": {" + x + ", " + data.replace(big, "1e400") + "}, \"alpha\": 0.01}"),
                    400);
            assertThat(overflow.at("/errors/0/field").asString()).as(data).isEqualTo(field);
        });
    }

    /** Inline data wider than any network is named on its x, not on a basisDegree never sent. */
    @Test
    void inlineDataTooWideIsNamedOnItsColumns() {
        String row = "[" + "1,".repeat(1024) + "1]";
        JsonNode problem = problem(
                http.post(
                        "/jobs?dryRun=true",
                        "{\"alpha\": 0.1, \"layers\": [1], \"data\": {\"x\": [" + row + ", " + row
                                + "], \"y\": [1, 2]}}"),
                400);
        assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("data.x");
        assertThat(problem.at("/errors/0/message").asString()).startsWith("has 1025 input columns");
    }

    @Test
    void aNaNOrARepeatedFieldIsNamedLikeAnyOtherBadField() {
        JsonNode nan = problem(http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": NaN}"), 400);
        assertThat(nan.at("/errors/0/field").asString()).isEqualTo("alpha");
        assertThat(nan.at("/errors/0/message").asString())
                .contains("finite number")
                .doesNotContain("JsonReadFeature");
        JsonNode deep = problem(
                http.post(
                        "/jobs?dryRun=true",
                        "{\"alpha\": 0.1, \"data\": {\"x\": [[1], [2, -Infinity]], \"y\": [1, 2]}}"),
                400);
        assertThat(deep.at("/errors/0/field").asString()).isEqualTo("data.x[1][1]");
        JsonNode twice =
                problem(http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.1, \"alpha\": 10}"), 400);
        assertThat(twice.at("/errors/0/field").asString()).isEqualTo("alpha");
        assertThat(twice.at("/errors/0/message").asString()).contains("given twice");
    }

    @Test
    void aSecondValueAfterTheSpecIsNamedAsSuch() {
        for (String after : List.of(" {\"x\": 1}", "{}", " 5")) {
            JsonNode problem =
                    problem(http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.1}" + after), 400);
            // It used to say "must be a JSON object", of a body that is one.
            assertThat(problem.get("detail").asString())
                    .as(after)
                    .contains("more after its JSON value")
                    .contains("line 1, column");
        }
    }

    @Test
    void aSpecInTheWrongMediaTypeIs415() {
        problem(http.post("/jobs", "text/plain", "{\"dataset\": \"hw5\", \"alpha\": 0.1}"), 415);
        JsonNode missing = problem(
                http.send(HttpRequest.newBuilder(http.uri("/jobs"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"hw5\", \"alpha\": 0.1}"))),
                415);
        assertThat(missing.get("detail").asString())
                .isEqualTo("The request has no Content-Type header; send application/json.");
        JsonNode unknownCharset =
                problem(http.post("/datasets", "text/csv; charset=no-such-charset", "a,y\n1,2\n"), 415);
        assertThat(unknownCharset.get("detail").asString()).contains("charset").contains("text/csv");
    }

    @Test
    void unknownIdsAre404Problems() {
        problem(http.get("/jobs/nope"), 404);
        problem(http.post("/jobs/nope/cancel", ""), 404);
        problem(http.get("/jobs/nope/gradients"), 404);
        problem(http.get("/models/nope"), 404);
        // Not "No static resource no/such/path.": an API client asked for an endpoint.
        assertThat(problem(http.get("/no/such/path"), 404).get("detail").asString())
                .isEqualTo("There is no endpoint at /no/such/path.");
        assertThat(problem(http.post("/no/such/path", "{}"), 404).get("detail").asString())
                .isEqualTo("There is no endpoint at /no/such/path.");
        // The actuator answers a health group it does not have without a body: given one here.
        assertThat(problem(http.get("/actuator/health/no-such-group"), 404)
                        .get("detail")
                        .asString())
                .isEqualTo("There is no endpoint at /actuator/health/no-such-group.");
    }

    /** No endpoint takes multipart bodies: such a Content-Type, even without a boundary, fails nothing else. */
    @Test
    void aMultipartContentTypeWithoutABoundaryIsNoServerError() {
        for (String path : List.of("/actuator/health", "/jobs")) {
            Http.Response answer = http.send(HttpRequest.newBuilder(http.uri(path))
                    .header("Content-Type", "multipart/form-data")
                    .GET());
            assertThat(answer.status()).as("GET %s: %s", path, answer.text()).isEqualTo(200);
        }
        problem(http.post("/jobs", "multipart/form-data", "{}"), 415);
    }

    /**
     * A transfer coding the container does not implement, or a request line of another HTTP version:
     * requests this server cannot read, answered as any bad request is (a 400), not as a failure of the
     * server (Tomcat's 501 and 505).
     */
    @Test
    void anUnimplementedTransferCodingOrHttpVersionIsA400ProblemOfTheRequest() throws IOException {
        String coding = dryRunSentAs("gzip", "{}");
        assertThat(coding).startsWith("HTTP/1.1 400 ");
        assertThat(coding)
                .contains("application/problem+json")
                .contains("/problems/invalid-request")
                .contains("Transfer-Encoding this server does not take");
        assertThat(dryRunSentAs("gzip, chunked", "0\r\n\r\n")).startsWith("HTTP/1.1 400 ");

        String version;
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /keys/me HTTP/2.0\r\nHost: localhost\r\nAuthorization: Bearer " + Http.ADMIN_KEY
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            version = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        assertThat(version).startsWith("HTTP/1.1 400 ");
        assertThat(version)
                .contains("application/problem+json")
                .contains("/problems/invalid-request")
                .contains("HTTP version this server does not speak");
    }

    /** A dry-run submit in raw HTTP/1.1 with this Transfer-Encoding and these body bytes; the whole answer. */
    private String dryRunSentAs(String transferEncoding, String body) throws IOException {
        String request = "POST /jobs?dryRun=true HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + Http.ADMIN_KEY + "\r\nContent-Type: application/json\r\nTransfer-Encoding: " + transferEncoding
                + "\r\nConnection: close\r\n\r\n" + body;
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** A chunked body whose chunk header is not hexadecimal: the request's fault, said at its own path. */
    @Test
    void aBodyThatIsNotValidChunkedHttpIsA400Problem() throws IOException {
        String answer = dryRunSentAs("chunked", "ZZ\r\n{}\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/problem+json");
        assertThat(answer).contains("The request body could not be read").contains("\"instance\":\"/jobs\"");
    }

    /** What a quickstart pasted too early sends: an empty model id makes an empty path segment. */
    @ParameterizedTest
    @ValueSource(strings = {"/models//predictions", "/jobs;jsessionid=1", "/jobs/%2e%2e/x"})
    void urlsTheFirewallRefusesAreProblemsToo(String path) {
        Http.Response response = http.post(path, "{\"x\": [[1, 2, 3, 4, 5]]}");
        JsonNode problem = problem(response, 400);
        assertThat(problem.get("detail").asString()).contains("The URL is not allowed");
        assertThat(problem.get("type").asString()).endsWith("/invalid-request");
        assertThat(problem.get("title").asString()).isEqualTo("Invalid request");
        // The headers of every other answer: the firewall refuses before the chain that writes them.
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).contains("no-store");
        assertThat(response.header("Content-Security-Policy")).isNotBlank();
    }

    /**
     * URLs the servlet container refuses before any filter runs (an encoded '/' or '\', a NUL, a '%'
     * that is no escape): the same 400 problem+json as the firewall's, not the container's HTML page.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/jobs/%2F", "/jobs/..%2Fkeys", "/jobs/%5C", "/jobs/%00", "/jobs/%zz", "/jobs/%ff"})
    void urlsTheContainerRefusesAreProblemsToo(String path) {
        Http.Response response = http.raw("GET", path);

        JsonNode problem = problem(response, 400);
        assertThat(problem.get("detail").asString()).contains("URL");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).contains("no-store");
    }

    @Test
    void headersTooLargeForTheContainerAreAProblemToo() {
        Http.Response response = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/jobs"))
                .header("X-Padding", "a".repeat(64 * 1024))
                .GET());

        assertThat(response.status()).isBetween(400, 499);
        problem(response, response.status());
    }

    /** A '%' in the query string that is no escape, or escapes that are not UTF-8: bad input, not a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"/jobs?name=%zz", "/jobs?%=1", "/jobs?name=%ff%fe", "/models?limit=%", "/jobs?=x"})
    void anUndecodableQueryStringIs400(String path) {
        JsonNode problem = problem(http.raw("GET", path), 400);

        assertThat(problem.get("detail").asString()).contains("query string");
    }

    /** Too many parameters is said as such, not as an encoding problem. */
    @Test
    void aQueryStringWithTooManyParametersIs400SayingSo() {
        // 1,100 two-character names (Tomcat takes 1,000), about 5.5 KB: within the header size limit.
        StringBuilder path = new StringBuilder("/jobs?limit=1");
        for (int i = 0; i < 1_100; i++) {
            path.append('&')
                    .append(Character.forDigit(i / 36, 36))
                    .append(Character.forDigit(i % 36, 36))
                    .append("=1");
        }
        JsonNode problem = problem(http.raw("GET", path.toString()), 400);

        assertThat(problem.get("detail").asString()).contains("more parameters than the server takes");
    }

    /**
     * A request that changes something is held to the query parameters its endpoint declares: a typo
     * or an empty value must not queue a real job (each of these used to), and no job appears.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/jobs?dryrun=true|dryrun|did you mean 'dryRun'?",
                "/jobs?dryRun=|dryRun|has no value",
                "/jobs?dryRun|dryRun|has no value",
                "/jobs?dryRun=true&dryRun=false|dryRun|is given 2 times",
                "/jobs?priority=high|priority|which takes dryRun",
                "/sweeps?dry_run=true|dry_run|which takes dryRun",
                "/jobs?format=json&format=json|format|is given 2 times",
            })
    void aChangeWithAQueryParameterItsEndpointDoesNotTakeIs400(String line) {
        String[] parts = line.split("\\|");
        String tag = "query-" + System.nanoTime();
        Object body = parts[0].startsWith("/sweeps")
                ? Map.of("name", tag, "base", hw5Spec(tag, 5), "grid", Map.of("scale", List.of(0.1)))
                : hw5Spec(tag, 5);
        JsonNode problem = problem(http.post(parts[0], body), 400);

        assertThat(problem.at("/errors/0/field").asString()).isEqualTo(parts[1]);
        assertThat(problem.at("/errors/0/message").asString()).contains(parts[2]);
        assertThat(http.get("/jobs?name=" + tag).expect(200).get("items").size())
                .as("nothing was queued")
                .isZero();
    }

    /** Reads may carry parameters they do not know; a filter given twice is refused rather than halved. */
    @Test
    void aReadKeepsUnknownParametersButRefusesAFilterGivenTwice() {
        http.get("/jobs?_=12345&limit=1").expect(200);
        JsonNode problem = problem(http.get("/jobs?status=RUNNING&status=SUCCEEDED"), 400);
        assertThat(problem.at("/errors/0/field").asString()).isEqualTo("status");
        assertThat(problem.at("/errors/0/message").asString()).isEqualTo("is given 2 times; it takes one value");
        // Also a history read's parameters (a parameter object, not @RequestParam), checked before the job is looked
        // up.
        JsonNode twice =
                problem(http.get("/jobs/" + java.util.UUID.randomUUID() + "/losses?maxPoints=5&maxPoints=3"), 400);
        assertThat(twice.at("/errors/0/field").asString()).isEqualTo("maxPoints");
        assertThat(http.post("/jobs?dryRun=true&format=json", hw5Spec("format-allowed", 5))
                        .status())
                .isEqualTo(200);
    }

    /** The dashboard page is HTML: served to browsers and to curl, a 406 problem to a client that wants JSON. */
    @Test
    void theDashboardPageIsHtmlAndOtherwiseA406Problem() {
        Http anonymous = http.as(null);
        for (String accept : List.of("text/html,application/xhtml+xml,*/*;q=0.8", "*/*")) {
            Http.Response page = anonymous.get("/", accept);
            assertThat(page.status()).as(accept).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.text()).contains("<title>Trainyard</title>");
            assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        }
        // It was a 406 without a body (Boot's welcome page).
        JsonNode problem = problem(anonymous.get("/", "application/json"), 406);
        assertThat(problem.get("type").asString()).endsWith("/not-acceptable");
    }

    /**
     * A header value the firewall refuses (a control character: the bytes of a UTF-8 '€' read one by
     * one): 400 naming the header, never repeating the value, which may be a key pasted with a stray
     * character. It was answered as "The URL is not allowed", with the whole value in the detail.
     */
    @Test
    void aHeaderValueTheFirewallRefusesIs400NamingTheHeaderButNotItsValue() {
        String secret = "ty_pasted-with-a-stray-character";
        Http.Response response = http.raw("GET", "/jobs", "Authorization: Bearer " + secret + "\u00e2\u0082\u00ac");

        JsonNode problem = problem(response, 400);
        assertThat(problem.get("detail").asString())
                .contains("'Authorization'")
                .doesNotContain("URL")
                .doesNotContain(secret);
    }

    /**
     * Methods no endpoint takes, wherever they land (the dashboard page, TRACE, made-up ones): 405
     * problem+json, with the headers of every other answer. TRACE is refused by Tomcat before any filter
     * runs, straight to the error dispatch, which Spring Security's header writer skips: its 405 went
     * without {@code nosniff}, {@code no-store} and the CSP.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "POST /",
                "DELETE /",
                "TRACE /jobs",
                "TRACE /",
                "TRACE /actuator/health",
                "TRACE /v3/api-docs",
                "PUT /index.html",
                "FOO /jobs",
                "PROPFIND /jobs/x"
            })
    void methodsNothingTakesAre405ProblemsEverywhere(String request) {
        String[] parts = request.split(" ");

        Http.Response response = http.send(parts[0], parts[1], "application/json", "");

        JsonNode problem = problem(response, 405);
        assertThat(problem.get("type").asString()).endsWith("/method-not-allowed");
        // The error dispatch is a GET: a detail naming "the" method would name the wrong one.
        assertThat(problem.get("detail").asString()).doesNotContain("'GET'");
        assertThat(response.header("Allow")).isNotBlank();
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).contains("no-store");
        assertThat(response.header("Content-Security-Policy")).isNotBlank();
        // Refused, never echoed: the request's own headers do not come back.
        assertThat(response.text()).doesNotContain("Authorization").doesNotContain("Bearer");
    }

    /**
     * A method the container itself does not implement (CONNECT, for proxies): Tomcat's 501 is the
     * right status, but it is a problem of the request, not an internal error.
     */
    @Test
    void aMethodTheContainerDoesNotImplementIsAProblemOfTheRequest() {
        Http.Response response = http.raw("CONNECT", "localhost:443");

        JsonNode problem = problem(response, 501);
        assertThat(problem.get("type").asString()).endsWith("/method-not-allowed");
        assertThat(problem.get("detail").asString()).contains("CONNECT");
    }

    // ---------------------------------------------------------------- helpers

    private static Arguments bad(String description, String body) {
        return Arguments.of(description, body);
    }

    private static String repeat(String value, int times) {
        return "[" + String.join(", ", java.util.Collections.nCopies(times, value)) + "]";
    }

    static JsonNode problem(Http.Response response, int status) {
        assertThat(response.status()).as("status; body %s", response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asString()).startsWith("https://trainyard.io/problems/");
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        return problem;
    }

    /**
     * A job's stored history holds exactly the points {@code 0..iterations}, in order: no gap, no
     * duplicate (what a resumed job's history must be, however often it was interrupted).
     */
    static void assertWholeAndInOrder(JsonNode iteration, int iterations) {
        assertThat(iteration.size()).isEqualTo(iterations + 1);
        for (int i = 0; i <= iterations; i++) {
            if (iteration.get(i).asInt() != i) {
                assertThat(iteration.get(i).asInt())
                        .as("point %d: no gap, no duplicate", i)
                        .isEqualTo(i);
            }
        }
    }

    static Map<String, Object> hw5Spec(String name, int iterations) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", name);
        spec.put("dataset", "hw5");
        spec.put("layers", List.of(20));
        spec.put("activation", "sigmoid");
        spec.put("bias", true);
        spec.put("scale", 0.1);
        spec.put("alpha", 0.0005);
        spec.put("iterations", iterations);
        spec.put("seed", 7);
        spec.put("normalize", true);
        return spec;
    }

    static Map<String, Object> withValidation(Map<String, Object> spec) {
        spec.put("validationFraction", 0.25);
        return spec;
    }

    /** The tick labels of one axis ({@code x-axis} or {@code y-axis}) of a served SVG plot, read with the JDK's parser. */
    static List<String> svgTickLabels(String svg, String axis) {
        try {
            var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var document = factory.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            var groups = document.getElementsByTagName("g");
            List<String> labels = new java.util.ArrayList<>();
            for (int i = 0; i < groups.getLength(); i++) {
                var group = (org.w3c.dom.Element) groups.item(i);
                if (List.of(group.getAttribute("class").split(" ")).contains(axis)) {
                    var texts = group.getElementsByTagName("text");
                    for (int j = 0; j < texts.getLength(); j++) {
                        var text = (org.w3c.dom.Element) texts.item(j);
                        if (text.getAttribute("class").equals("tick-label")) {
                            labels.add(text.getTextContent());
                        }
                    }
                }
            }
            return labels;
        } catch (Exception e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage(), e);
        }
    }

    /** Width and height from a PNG's IHDR chunk. */
    static int[] pngSize(byte[] png) {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(png, 16, 8);
        return new int[] {header.getInt(), header.getInt()};
    }

    /** A job that would run for minutes: tests cancel it. */
    static Map<String, Object> longSpec(String name) {
        Map<String, Object> spec = hw5Spec(name, 1_000_000);
        spec.put("layers", List.of(64, 64));
        spec.put("alpha", 1e-6);
        return spec;
    }

    String track(JsonNode job) {
        String id = job.get("id").asString();
        started.add(id);
        return id;
    }

    private static int lastIteration(JsonNode history) {
        JsonNode iterations = history.get("iteration");
        return iterations.isEmpty() ? -1 : iterations.get(iterations.size() - 1).asInt();
    }

    JsonNode awaitStatus(String id, String status) {
        await().atMost(TRAINING)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> http.get("/jobs/" + id).json().get("status").asString(),
                        s -> s.equals(status) || (isTerminal(s) && !s.equals(status)));
        JsonNode job = http.get("/jobs/" + id).json();
        assertThat(job.get("status").asString()).as("job %s: %s", id, job).isEqualTo(status);
        return job;
    }

    private int count(String status) {
        return http.get("/jobs?status=" + status + "&limit=500")
                .json()
                .get("items")
                .size();
    }

    private static boolean isTerminal(String status) {
        return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
    }

    private static boolean isFinished(JsonNode job) {
        return isTerminal(job.get("status").asString());
    }
}
