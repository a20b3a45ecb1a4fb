package io.trainyard;

import static io.trainyard.ApiContract.hw5Spec;
import static io.trainyard.ApiContract.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * The training options of ../shared/API.md (optimizers, mini-batches, early stopping, explicit
 * validation data, diagnostics, dry runs, the memory limit), exercised over real HTTP. Runs once per
 * store: {@code H2TrainingOptionsIntegrationTests} and {@code PostgresTrainingOptionsIntegrationTests}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=2",
            "trainyard.history-flush-interval=200ms",
            "trainyard.limits.max-job-memory=16MB",
        })
abstract class TrainingOptionsContract {

    static final Duration TRAINING = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    Http http;

    private final List<String> started = new ArrayList<>();

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @AfterEach
    void cancelLeftovers() {
        for (String id : started) {
            String status = http.get("/jobs/" + id).json().path("status").asString();
            if (status.equals("QUEUED") || status.equals("RUNNING")) {
                http.post("/jobs/" + id + "/cancel", "");
            }
        }
        for (String id : started) {
            await().atMost(TRAINING)
                    .until(() -> isTerminal(
                            http.get("/jobs/" + id).json().get("status").asString()));
        }
    }

    // ---------------------------------------------------------------- optimizers, batches, early stopping

    @Test
    void adamOnMiniBatchesStopsEarlyAndKeepsTheBestWeightsWithTheirLosses() {
        Map<String, Object> spec = overfitting("adam early stopping");
        spec.put("optimizer", Map.of("type", "adam"));
        spec.put("batchSize", 16);
        spec.put("earlyStopping", Map.of("patience", 15));

        JsonNode accepted = http.post("/jobs", spec).expect(202);
        assertThat(accepted.at("/spec/optimizer").toString())
                .isEqualTo("{\"type\":\"adam\",\"beta1\":0.9,\"beta2\":0.999,\"epsilon\":1.0E-8}");
        assertThat(accepted.at("/spec/batchSize").asInt()).isEqualTo(16);
        assertThat(accepted.at("/spec/earlyStopping").toString())
                .isEqualTo("{\"patience\":15,\"minDelta\":0.0,\"monitor\":\"validation\",\"restoreBest\":true}");
        assertThat(accepted.get("estimatedMemoryBytes").asLong()).isPositive();
        String id = track(accepted);

        JsonNode done = awaitStatus(id, "SUCCEEDED");

        assertThat(done.get("stoppedEarly").asBoolean()).as("job %s", done).isTrue();
        int best = done.get("bestIteration").asInt();
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        int points = losses.get("iteration").size();
        // The history keeps every point up to the stop: the best one and `patience` without improvement.
        assertThat(points).isEqualTo(best + 15 + 1);
        // Progress keeps the iteration it stopped at, so its fraction stays below 1 (documented): the
        // status says the job is done.
        assertThat(done.at("/progress/iteration").asInt()).isEqualTo(points - 1);
        assertThat(done.at("/progress/fraction").asDouble()).isEqualTo((points - 1) / 400.0);
        assertThat(losses.get("bestIteration").asInt()).isEqualTo(best);
        for (int i = best + 1; i < points; i++) {
            assertThat(losses.at("/validation/" + i).asDouble())
                    .isGreaterThanOrEqualTo(losses.at("/validation/" + best).asDouble());
        }
        // The model holds the weights of the best point, with that point's losses, not the last one's.
        JsonNode model = http.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(model.get("trainLoss").asDouble())
                .isEqualTo(losses.at("/train/" + best).asDouble());
        assertThat(model.get("testLoss").asDouble())
                .isEqualTo(losses.at("/test/" + best).asDouble());
        assertThat(done.get("trainLoss").asDouble())
                .isEqualTo(losses.at("/train/" + (points - 1)).asDouble());
        double[][][] test = hw5Test();
        JsonNode predicted = http.post("/models/" + model.get("id").asString() + "/predictions", Map.of("x", test[0]))
                .expect(200);
        double sse = 0;
        for (int r = 0; r < test[0].length; r++) {
            double e = predicted.at("/y/" + r + "/0").asDouble() - test[1][r][0];
            sse += e * e;
        }
        assertThat(sse)
                .isCloseTo(
                        losses.at("/test/" + best).asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-7));

        JsonNode diagnostics = done.get("diagnostics");
        assertThat(diagnostics.get("layers").findValuesAsString("name")).containsExactly("W0", "W1");
        assertThat(diagnostics.at("/layers/0/weightNorm").asDouble()).isPositive();
        assertThat(diagnostics.at("/layers/0/saturatedShare").isNumber()).isTrue();
        JsonNode gradients = http.get("/jobs/" + id + "/gradients").expect(200);
        assertThat(gradients.at("/updateRatios/W0").size()).isEqualTo(points);
        double ratio = gradients.at("/updateRatios/W1/3").asDouble();
        assertThat(ratio).isPositive().isLessThan(1);

        Http.Response png = http.get("/jobs/" + id + "/losses", "image/png");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).startsWith("image/png");
    }

    @Test
    void momentumWithoutEarlyStoppingRunsEveryEpochAndReportsNoBestPoint() {
        Map<String, Object> spec = overfitting("momentum epochs");
        spec.put("iterations", 30);
        spec.put("alpha", 0.0005);
        spec.put("optimizer", Map.of("type", "momentum", "beta", 0.8));
        spec.put("batchSize", 64);

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        assertThat(done.at("/spec/optimizer/beta").asDouble()).isEqualTo(0.8);
        assertThat(done.get("stoppedEarly").isNull()).isTrue();
        assertThat(done.get("bestIteration").isNull()).isTrue();
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        assertThat(losses.get("iteration").size()).isEqualTo(31);
        assertThat(losses.get("bestIteration").isNull()).isTrue();
        JsonNode model = http.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(model.get("trainLoss").asDouble())
                .isEqualTo(losses.at("/train/30").asDouble());
    }

    @Test
    void aJobWithEarlyStoppingThatDivergesReportsItsBestPointSoFarAndThatItDidNotStopEarly() {
        // The audit's case: a linear network whose steps overshoot, diverging at iteration 5.
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "diverging with early stopping");
        spec.put("data", Map.of("x", List.of(List.of(1), List.of(2), List.of(3)), "y", List.of(1, 2, 3)));
        spec.put("layers", List.of(3));
        spec.put("activation", "none");
        spec.put("scale", 1);
        spec.put("alpha", 0.5);
        spec.put("iterations", 100);
        spec.put("seed", 1);
        spec.put("earlyStopping", Map.of("monitor", "train", "patience", 50));

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode failed = awaitStatus(id, "FAILED");

        assertThat(failed.at("/error/type").asString()).isEqualTo("diverged");
        assertThat(failed.get("stoppedEarly").isBoolean()).as("job %s", failed).isTrue();
        assertThat(failed.get("stoppedEarly").asBoolean()).isFalse();
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        int best = firstLowest(losses.get("train"));
        assertThat(failed.get("bestIteration").isInt()).as("job %s", failed).isTrue();
        assertThat(failed.get("bestIteration").asInt()).isEqualTo(best);
        assertThat(losses.get("bestIteration").asInt()).isEqualTo(best);
        assertThat(failed.get("restoredBest").isNull())
                .as("no model, nothing restored")
                .isTrue();

        // A job that diverges at its very first point has no best point: neither is said.
        spec.put("name", "diverging at point 0 with early stopping");
        spec.put("scale", 1e160);
        String atZero = track(http.post("/jobs", spec).expect(202));
        JsonNode none = awaitStatus(atZero, "FAILED");
        assertThat(none.get("stoppedEarly").isNull()).as("job %s", none).isTrue();
        assertThat(none.get("bestIteration").isNull()).isTrue();
    }

    @Test
    void aCancelledJobWithEarlyStoppingReportsItsBestPointSoFarAndThatItDidNotStopEarly() {
        Map<String, Object> spec = hw5Spec("cancelled with early stopping", 1_000_000);
        spec.put("earlyStopping", Map.of("monitor", "train", "patience", 1_000_000));
        String id = track(http.post("/jobs", spec).expect(202));
        await().atMost(TRAINING)
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        http.get("/jobs/" + id).json().at("/progress/iteration").asInt() > 50);

        http.post("/jobs/" + id + "/cancel", "").expect(202);
        JsonNode cancelled = awaitStatus(id, "CANCELLED");

        assertThat(cancelled.get("stoppedEarly").isBoolean())
                .as("job %s", cancelled)
                .isTrue();
        assertThat(cancelled.get("stoppedEarly").asBoolean()).isFalse();
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        int best = firstLowest(losses.get("train"));
        assertThat(best).as("the loss fell after point 0").isPositive();
        assertThat(cancelled.get("bestIteration").asInt()).isEqualTo(best);
        assertThat(losses.get("bestIteration").asInt()).isEqualTo(best);
    }

    /** Early stopping's rule with minDelta 0: the first point with the lowest loss. */
    private static int firstLowest(JsonNode losses) {
        int best = 0;
        for (int i = 1; i < losses.size(); i++) {
            if (losses.get(i).asDouble() < losses.get(best).asDouble()) {
                best = i;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- explicit validation data

    @Test
    void inlineDataCarriesItsOwnValidationSetAndEarlyStoppingWatchesIt() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("x", new double[][] {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}});
        data.put("y", new double[] {1, 2, 5, 10, 17, 26, 37, 50});
        data.put("validationX", new double[][] {{1.5}, {3.5}, {5.5}});
        data.put("validationY", new double[] {3.25, 13.25, 31.25});
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("data", data);
        spec.put("layers", List.of(8));
        spec.put("activation", "tanh");
        spec.put("bias", true);
        spec.put("normalize", true);
        spec.put("alpha", 0.001);
        spec.put("iterations", 200);
        spec.put("seed", 3);
        spec.put("earlyStopping", Map.of("patience", 20, "monitor", "validation"));

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        assertThat(done.get("validationLoss").isNumber()).isTrue();
        JsonNode losses = http.get("/jobs/" + id + "/losses").expect(200);
        assertThat(losses.at("/validationMse/0").asDouble() * 3)
                .isCloseTo(
                        losses.at("/validation/0").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-9));

        spec.put("validationFraction", 0.25);
        JsonNode both = problem(http.post("/jobs", spec), 400);
        assertThat(both.get("errors").findValuesAsString("field")).contains("validationFraction");
    }

    @Test
    void anUploadKeepsAValidationPartThatJobsUseAndMayNotSplitAgain() {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i)
                    .append(',')
                    .append(i % 7)
                    .append(',')
                    .append(2 * i + (i % 7))
                    .append('\n');
        }
        JsonNode dataset = http.post(
                        "/datasets?testFraction=0.25&validationFraction=0.2&seed=5", "text/csv", csv.toString())
                .expect(201);
        assertThat(dataset.get("testRows").asInt()).isEqualTo(10);
        assertThat(dataset.get("validationRows").asInt()).isEqualTo(6);
        assertThat(dataset.get("trainRows").asInt()).isEqualTo(24);
        String datasetId = dataset.get("id").asString();

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dataset", datasetId);
        spec.put("layers", List.of(4));
        spec.put("normalize", true);
        spec.put("alpha", 0.001);
        spec.put("iterations", 20);
        spec.put("earlyStopping", Map.of("patience", 50, "monitor", "validation"));
        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.get("validationLoss").isNumber()).isTrue();
        assertThat(done.get("stoppedEarly").asBoolean()).isFalse();

        spec.put("validationFraction", 0.2);
        JsonNode twice = problem(http.post("/jobs", spec), 400);
        assertThat(twice.get("errors").findValuesAsString("field")).contains("validationFraction");

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("x", new double[][] {{0}, {1}, {2}});
        json.put("y", new double[] {0, 1, 4});
        json.put("validationX", new double[][] {{1.5}});
        json.put("validationY", new double[] {2.25});
        assertThat(http.post("/datasets", json)
                        .expect(201)
                        .get("validationRows")
                        .asInt())
                .isEqualTo(1);
        json.put("validationX", new double[][] {{1.5, 2}});
        assertThat(problem(http.post("/datasets", json), 400).get("errors").findValuesAsString("field"))
                .contains("validationX");
    }

    // ---------------------------------------------------------------- diagnostics and flags

    @Test
    void aDeepSigmoidNetworkAtASmallScaleIsFlaggedForVanishingGradients() {
        Map<String, Object> spec = hw5Spec("deep sigmoid", 10);
        spec.put("layers", java.util.Collections.nCopies(10, 10));
        spec.put("scale", 0.1);

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        JsonNode flags = done.at("/diagnostics/flags");
        assertThat(flags.findValuesAsString("type")).as("%s", flags).contains("vanishing-gradients");
        assertThat(flags.get(0).get("detail").asString()).contains("Try");
        assertThat(done.at("/diagnostics/layers").size()).isEqualTo(11);
    }

    @Test
    void aReluModelWithStronglyNegativeBiasesIsFlaggedForDeadUnitsWhenWarmStarted() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("layerSizes", List.of(5, 4, 1));
        body.put("activation", "relu");
        body.put("bias", true);
        body.put("preprocessing", Map.of("basisDegree", 1, "normalize", false));
        double[][] w0 = {
            {0.1, -0.2, 0.3, 0.1},
            {0.05, 0.1, -0.1, 0.1},
            {0.2, 0.2, 0.2, 0.1},
            {-0.3, 0.1, 0.0, 0.1},
            {0.4, -0.4, 0.1, 0.1}
        };
        body.put("weights", Map.of("W0", w0, "W1", new double[][] {{1}, {1}, {1}, {1}}));
        body.put("biases", Map.of("b0", new double[] {-1e4, -1e4, -1e4, -1e4}, "b1", new double[] {0}));
        String modelId = http.post("/models", body).expect(201).get("id").asString();

        Map<String, Object> spec = hw5Spec("dead relu", 5);
        spec.put("layers", List.of(4));
        spec.put("activation", "relu");
        spec.put("normalize", false);
        spec.put("warmStartModel", modelId);
        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        assertThat(done.at("/diagnostics/layers/0/deadShare").asDouble()).isEqualTo(1.0);
        assertThat(done.at("/diagnostics/flags").findValuesAsString("type")).contains("dead-units");
    }

    @Test
    void aDeepLinearNetworkAtALargeScaleExplodesAndSaysSo() {
        Map<String, Object> spec = hw5Spec("exploding", 200);
        spec.put("layers", List.of(30, 30, 30, 30));
        spec.put("activation", "none");
        spec.put("scale", 3.0);
        spec.put("alpha", 0.01);

        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode done = awaitStatus(id, "FAILED");

        assertThat(done.at("/error/type").asString()).isEqualTo("diverged");
        assertThat(done.at("/diagnostics/flags").findValuesAsString("type")).contains("exploding-gradients");
    }

    @Test
    void aJobWhoseStartingLossOverflowsSaysSoInsteadOfAskingForASmallerAlpha() {
        // Finite targets whose squares overflow a double: refused before anything is stored, as no
        // loss on them could ever be a number.
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "overflowing targets");
        spec.put(
                "data",
                Map.of("x", List.of(List.of(1.0), List.of(2.0), List.of(3.0)), "y", List.of(1e160, -2e160, 3e160)));
        spec.put("layers", List.of(4));
        spec.put("alpha", 1e-6);
        spec.put("iterations", 50);
        spec.put("seed", 1);
        JsonNode refused = problem(http.post("/jobs", spec), 400);
        assertThat(refused.at("/errors/0/field").asString()).isEqualTo("data.y");
        assertThat(refused.at("/errors/0/message").asString()).contains("rescale the targets");

        // Targets that are fine, but starting weights whose outputs overflow the squared errors: no step
        // is ever taken, alpha plays no part.
        spec.put("data", Map.of("x", List.of(List.of(1.0), List.of(2.0), List.of(3.0)), "y", List.of(1, -2, 3)));
        spec.put("scale", 1e160);
        String id = track(http.post("/jobs", spec).expect(202));
        JsonNode failed = awaitStatus(id, "FAILED");

        assertThat(failed.at("/error/type").asString()).isEqualTo("diverged");
        assertThat(failed.at("/error/detail").asString())
                .contains("diverged at iteration 0")
                .contains("before any step")
                .contains("targets")
                .doesNotContain("smaller alpha");
        assertThat(failed.at("/diagnostics/flags/0/detail").asString())
                .contains("before any step")
                .doesNotContain("smaller alpha");
    }

    // ---------------------------------------------------------------- dry runs and the memory limit

    @Test
    void aDryRunAnswersWhatAJobWouldBeAndCreatesNothing() {
        int jobs = http.get("/jobs?limit=500").json().get("items").size();
        int datasets = http.get("/datasets").json().get("items").size();
        int sweeps = http.get("/sweeps").json().get("items").size();
        Map<String, Object> spec = overfitting("dry");
        spec.put("optimizer", Map.of("type", "adam", "beta2", 0.99));

        JsonNode dry = http.post("/jobs?dryRun=true", spec).expect(200);

        assertThat(dry.at("/spec/optimizer/beta2").asDouble()).isEqualTo(0.99);
        assertThat(dry.at("/spec/optimizer/beta1").asDouble()).isEqualTo(0.9);
        assertThat(dry.get("layerSizes").toString()).isEqualTo("[5,50,1]");
        assertThat(dry.get("parameters").asLong()).isEqualTo(5 * 50 + 50 + 50 + 1);
        assertThat(dry.get("estimatedMemoryBytes").asLong()).isPositive();

        Map<String, Object> inline = new LinkedHashMap<>();
        inline.put("data", Map.of("x", new double[][] {{1}, {2}}, "y", new double[] {1, 2}));
        inline.put("alpha", 0.1);
        JsonNode inlineDry = http.post("/jobs?dryRun=true", inline).expect(200);
        assertThat(inlineDry.at("/spec/dataset").isNull()).isTrue();
        assertThat(inlineDry.at("/spec/optimizer/type").asString()).isEqualTo("gd");

        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("base", overfitting("dry sweep"));
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("optimizer", List.of(Map.of("type", "gd"), Map.of("type", "adam")));
        grid.put("batchSize", java.util.Arrays.asList(null, 32));
        grid.put("earlyStopping", java.util.Arrays.asList(null, Map.of("patience", 10)));
        sweep.put("grid", grid);
        JsonNode sweepDry = http.post("/sweeps?dryRun=true", sweep).expect(200);
        assertThat(sweepDry.get("jobs").asInt()).isEqualTo(8);
        assertThat(sweepDry.at("/members/7/job/spec/optimizer/type").asString()).isEqualTo("adam");
        assertThat(sweepDry.at("/members/7/job/spec/batchSize").asInt()).isEqualTo(32);
        assertThat(sweepDry.at("/members/7/job/spec/earlyStopping/patience").asInt())
                .isEqualTo(10);
        assertThat(sweepDry.at("/members/0/job/spec/batchSize").isNull()).isTrue();
        assertThat(sweepDry.at("/members/1/job/estimatedMemoryBytes").asLong())
                .isGreaterThan(
                        sweepDry.at("/members/0/job/estimatedMemoryBytes").asLong());

        spec.put("alpha", -1);
        problem(http.post("/jobs?dryRun=true", spec), 400);

        assertThat(http.get("/jobs?limit=500").json().get("items").size()).isEqualTo(jobs);
        assertThat(http.get("/datasets").json().get("items").size()).isEqualTo(datasets);
        assertThat(http.get("/sweeps").json().get("items").size()).isEqualTo(sweeps);
    }

    @Test
    void aJobAboveTheMemoryLimitIsRefusedNamingTheEstimateAndTheLimit() {
        Map<String, Object> spec = overfitting("too big");
        spec.put("layers", List.of(1000, 1000));
        spec.put("optimizer", Map.of("type", "adam"));

        JsonNode refused = problem(http.post("/jobs", spec), 400);
        String message = refused.get("errors").get(0).get("message").asString();
        assertThat(message).contains("estimated").contains("16777216").contains("max-job-memory");
        problem(http.post("/jobs?dryRun=true", spec), 400);

        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("base", overfitting("sweep too big"));
        sweep.put("grid", Map.of("layers", List.of(List.of(5), List.of(1000, 1000))));
        JsonNode member = problem(http.post("/sweeps", sweep), 400);
        assertThat(member.get("errors").findValuesAsString("field")).containsExactly("grid.layers[1]");
    }

    /**
     * Audit contract, F4: a memory estimate naming many layers is longer than 300 characters, and was cut
     * there mid-word, its advice with it ("…fewer rows or a l… (16 more characters)").
     */
    @Test
    void theMemoryRefusalOfADeepNetworkKeepsItsAdviceWhole() {
        Map<String, Object> spec = overfitting("deep");
        spec.put("layers", java.util.Collections.nCopies(32, 390));

        JsonNode refused = problem(http.post("/jobs?dryRun=true", spec), 400);

        String message = refused.get("errors").get(0).get("message").asString();
        assertThat(message)
                .startsWith("this job needs an estimated")
                .contains(String.join(", ", java.util.Collections.nCopies(32, "390")))
                .endsWith("use narrower or fewer layers, fewer rows or a lower basisDegree")
                .doesNotContain("more characters");
        assertThat(refused.get("detail").asString()).isEqualTo("layers: " + message);
    }

    static Stream<Arguments> badOptions() {
        String ok = "\"dataset\": \"hw5\", \"alpha\": 0.01";
        return Stream.of(
                Arguments.of(
                        "{" + ok + ", \"optimizer\": {\"type\": \"rmsprop\"}}",
                        "optimizer.type",
                        "[gd, momentum, adam]"),
                Arguments.of("{" + ok + ", \"optimizer\": {}}", "optimizer.type", "gd"),
                Arguments.of(
                        "{" + ok + ", \"optimizer\": {\"type\": \"momentum\", \"beta\": 1.5}}",
                        "optimizer.beta",
                        "1.5"),
                Arguments.of(
                        "{" + ok + ", \"optimizer\": {\"type\": \"adam\", \"beta2\": 1.0}}", "optimizer.beta2", "1.0"),
                Arguments.of(
                        "{" + ok + ", \"optimizer\": {\"type\": \"adam\", \"epsilon\": 0}}", "optimizer.epsilon", "0"),
                Arguments.of("{" + ok + ", \"optimizer\": {\"type\": \"gd\", \"beta\": 0.9}}", "optimizer.beta", "gd"),
                Arguments.of("{" + ok + ", \"batchSize\": 0}", "batchSize", "0"),
                Arguments.of(
                        "{" + ok + ", \"earlyStopping\": {\"patience\": 0, \"monitor\": \"train\"}}",
                        "earlyStopping.patience",
                        "0"),
                Arguments.of(
                        "{" + ok + ", \"earlyStopping\": {\"minDelta\": -1, \"monitor\": \"train\"}}",
                        "earlyStopping.minDelta",
                        "-1"),
                Arguments.of(
                        "{" + ok + ", \"earlyStopping\": {\"monitor\": \"test\"}}", "earlyStopping.monitor", "test"),
                Arguments.of(
                        "{" + ok + ", \"earlyStopping\": {\"patience\": 5}}",
                        "earlyStopping.monitor",
                        "no validation set"),
                Arguments.of(
                        "{\"alpha\": 0.1, \"data\": {\"x\": [[1], [2]], \"y\": [1, 2], \"validationX\": [[1]]}}",
                        "data.validationY",
                        "validationY"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badOptions")
    void aBadTrainingOptionIsA400NamingTheFieldAndTheValue(String body, String field, String mentioned) {
        JsonNode problem = problem(http.post("/jobs", body), 400);

        JsonNode error = null;
        for (JsonNode e : problem.get("errors")) {
            if (e.get("field").asString().equals(field)) {
                error = e;
            }
        }
        assertThat(error).as("errors of %s", problem).isNotNull();
        assertThat(error.get("message").asString()).contains(mentioned);
    }

    // ---------------------------------------------------------------- helpers

    /** The over-fitting setting of the studies: a wide tanh network on three quarters of hw5. */
    static Map<String, Object> overfitting(String name) {
        Map<String, Object> spec = hw5Spec(name, 400);
        spec.put("layers", List.of(50));
        spec.put("activation", "tanh");
        spec.put("scale", 0.5);
        spec.put("alpha", 0.01);
        spec.put("validationFraction", 0.25);
        return spec;
    }

    /** {@code [x, y]} of the built-in hw5 test rows. */
    static double[][][] hw5Test() {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                TrainingOptionsContract.class.getResourceAsStream("/datasets/hw5-test.csv"), StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(java.util.Arrays.stream(line.split(","))
                            .mapToDouble(Double::parseDouble)
                            .toArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double[][] x = new double[rows.size()][];
        double[][] y = new double[rows.size()][1];
        for (int r = 0; r < rows.size(); r++) {
            x[r] = java.util.Arrays.copyOf(rows.get(r), rows.get(r).length - 1);
            y[r][0] = rows.get(r)[rows.get(r).length - 1];
        }
        return new double[][][] {x, y};
    }

    String track(JsonNode job) {
        String id = job.get("id").asString();
        started.add(id);
        return id;
    }

    JsonNode awaitStatus(String id, String status) {
        await().atMost(TRAINING)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> http.get("/jobs/" + id).json().get("status").asString(),
                        TrainingOptionsContract::isTerminal);
        JsonNode job = http.get("/jobs/" + id).json();
        assertThat(job.get("status").asString()).as("job %s: %s", id, job).isEqualTo(status);
        return job;
    }

    private static boolean isTerminal(String status) {
        return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
    }
}
