package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The Datasets and Sweeps parts of ../shared/API.md over real HTTP: uploads good and bad, training
 * on an upload, seeded validation splits, sweeps and their leaderboards. Runs once per store:
 * {@code H2DataAndSweepIntegrationTests} and {@code PostgresDataAndSweepIntegrationTests}. Its own
 * context, because a sweep needs a roomier queue than {@link ApiContract} gives.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=2",
            "trainyard.limits.queue-capacity=20",
            "trainyard.limits.max-sweep-size=12",
            "trainyard.limits.max-data-cells=5000",
            "trainyard.limits.max-request-size=256KB",
            "trainyard.heartbeat-interval=300ms",
            "trainyard.history-flush-interval=200ms",
        })
abstract class DataAndSweepContract {

    /** Every key a sweep's grid may vary, as API.md lists them. */
    private static final String[] GRID_KEYS = {
        "scale",
        "alpha",
        "layers",
        "activation",
        "bias",
        "normalize",
        "basisDegree",
        "iterations",
        "seed",
        "validationFraction",
        "optimizer",
        "batchSize",
        "earlyStopping"
    };

    static java.util.stream.Stream<String> gridKeys() {
        return java.util.Arrays.stream(GRID_KEYS);
    }

    static final Duration TRAINING = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    /** Leaves no job running for the next test: they share two workers and a small queue. */
    @AfterEach
    void cancelLeftovers() {
        for (String status : List.of("QUEUED", "RUNNING")) {
            for (JsonNode job :
                    http.get("/jobs?limit=500&status=" + status).json().get("items")) {
                http.post("/jobs/" + job.get("id").asString() + "/cancel", "");
            }
        }
        // Looks at once: most tests leave nothing behind, and Awaitility's default first look comes only
        // after one poll interval (100 ms), which after each of these ~70 tests added up to seconds.
        await().atMost(TRAINING).pollDelay(Duration.ZERO).until(() -> count("QUEUED") + count("RUNNING") == 0);
    }

    // ---------------------------------------------------------------- uploads

    @Test
    void theDataSetListComesInPagesOfAtMostLimitUploads() {
        String key = http.post(
                        "/keys",
                        Map.of(
                                "name",
                                "pages-"
                                        + java.util.UUID.randomUUID().toString().substring(0, 8),
                                "role",
                                "user"))
                .expect(201)
                .get("key")
                .asString();
        Http user = http.as(key);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(user.post("/datasets?name=page" + i, "text/csv", linearCsv(4))
                    .expect(201)
                    .get("id")
                    .asString());
        }

        JsonNode first = user.get("/datasets?limit=2").expect(200);
        JsonNode second = user.get(
                        "/datasets?limit=2&cursor=" + first.get("nextCursor").asString())
                .expect(200);

        assertThat(first.get("items").findValuesAsString("id")).containsExactly("hw5", ids.get(2), ids.get(1));
        assertThat(second.get("items").findValuesAsString("id")).containsExactly(ids.get(0));
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(user.get("/datasets").expect(200).get("items").findValuesAsString("id"))
                .as("the default page holds a short list whole")
                .containsExactly("hw5", ids.get(2), ids.get(1), ids.get(0));
        assertThat(user.get("/datasets?limit=501").status()).isEqualTo(400);
        assertThat(user.get("/datasets?limit=0").status()).isEqualTo(400);
    }

    @Test
    void aCsvUploadTrainsAModelThatPredictsWithTheStoredPreprocessing() {
        Http.Response created =
                http.post("/datasets?name=linear&target=y&testFraction=0.25&seed=3", "text/csv", linearCsv(40));

        JsonNode dataset = created.expect(201);
        String id = dataset.get("id").asString();
        assertThat(created.header("Location")).isEqualTo("/datasets/" + id);
        assertThat(dataset.get("name").asString()).isEqualTo("linear");
        assertThat(dataset.get("columns").toString()).isEqualTo("[\"a\",\"b\",\"y\"]");
        assertThat(dataset.get("features").asInt()).isEqualTo(2);
        assertThat(dataset.get("trainRows").asInt()).isEqualTo(30);
        assertThat(dataset.get("testRows").asInt()).isEqualTo(10);
        assertThat(dataset.get("builtIn").asBoolean()).isFalse();
        assertThat(http.get("/datasets").json().get("items").findValuesAsString("id"))
                .contains(id);
        assertThat(http.get("/datasets/" + id).expect(200).get("trainRows").asInt())
                .isEqualTo(30);

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dataset", id);
        spec.put("layers", List.of());
        spec.put("bias", true);
        spec.put("normalize", true);
        spec.put("alpha", 0.01);
        spec.put("iterations", 600);
        spec.put("seed", 1);
        JsonNode done =
                awaitStatus(http.post("/jobs", spec).expect(202).get("id").asString(), "SUCCEEDED");

        assertThat(done.get("layerSizes").toString()).isEqualTo("[2,1]");
        assertThat(done.get("testLoss").asDouble()).isLessThan(1e-6);
        JsonNode model = http.get("/models/" + done.get("modelId").asString()).expect(200);
        assertThat(model.at("/preprocessing/mean/0").asDouble())
                .as("fitted on raw inputs")
                .isGreaterThan(10);
        JsonNode predicted = http.post(
                        "/models/" + done.get("modelId").asString() + "/predictions",
                        Map.of("x", new double[][] {{50, 0.5}}))
                .expect(200);
        assertThat(predicted.at("/y/0/0").asDouble()).isCloseTo(3 * 50 - 2 * 0.5 + 1, within(1e-3));
    }

    @Test
    void aJsonUploadIsCheckedLikeInlineJobData() {
        Map<String, Object> body = Map.of(
                "name",
                "quadratic",
                "x",
                new double[][] {{0}, {1}, {2}, {3}},
                "y",
                new double[] {1, 2, 5, 10},
                "testX",
                new double[][] {{4}},
                "testY",
                new double[] {17});

        JsonNode dataset = http.post("/datasets", body).expect(201);

        assertThat(dataset.get("columns").toString()).isEqualTo("[\"x1\",\"y\"]");
        assertThat(dataset.get("testRows").asInt()).isEqualTo(1);
        JsonNode ragged = problem(http.post("/datasets", "{\"x\": [[1, 2], [3]], \"y\": [1, 2]}"), 400);
        assertThat(ragged.get("errors").findValuesAsString("field")).containsExactly("x[1]");
        JsonNode rows = problem(http.post("/datasets", "{\"x\": [[1], [2]], \"y\": [1]}"), 400);
        assertThat(rows.get("detail").asString()).contains("y: has 1 rows but x has 2");
        problem(http.post("/datasets", "{\"x\": [[1]], \"y\": [1], \"colour\": 1}"), 400);
        problem(http.post("/datasets", "{\"y\": [1]}"), 400);
    }

    /**
     * A whole number written out beyond a double's range (a 1 and 400 zeros) in the targets of an
     * upload or of a sweep's inline data is refused as 1e400 is, where it stands; it was a 500.
     */
    @Test
    void aWholeNumberBeyondADoublesRangeInUploadedOrSweptTargetsIsA400NamingIt() {
        String big = "1" + "0".repeat(400);
        Map<String, String> uploads = new LinkedHashMap<>();
        uploads.put("{\"x\": [[1], [2]], \"y\": [1, " + big + "]}", "y[1][0]");
        uploads.put("{\"x\": [[1], [2]], \"y\": [[" + big + "], [1]]}", "y[0][0]");
        uploads.put("{\"x\": [[1], [2]], \"y\": [1, 2], \"testX\": [[3]], \"testY\": [-" + big + "]}", "testY[0][0]");
        uploads.put(
                "{\"x\": [[1], [2]], \"y\": [1, 2], \"validationX\": [[3]], \"validationY\": [" + big + "]}",
                "validationY[0][0]");
        uploads.forEach((body, field) -> {
            JsonNode problem = problem(http.post("/datasets", body), 400);
            assertThat(problem.get("errors").findValuesAsString("field"))
                    .as(body)
                    .containsExactly(field);
            assertThat(problem.at("/errors/0/message").asString()).as(body).startsWith("must be a finite number, got ");
        });
        for (String path : List.of("/sweeps?dryRun=true", "/sweeps")) {
            JsonNode problem = problem(
                    http.post(
                            path,
                            "{\"base\": {\"alpha\": 0.1, \"data\": {\"x\": [[1], [2], [3]], \"y\": [1, " + big
                                    + ", 3], \"validationX\": [[4]], \"validationY\": [4]}}, "
                                    + "\"grid\": {\"alpha\": [0.1, 0.2]}}"),
                    400);
            assertThat(problem.get("errors").findValuesAsString("field"))
                    .as(path)
                    .containsExactly("base.data.y[1][0]");
        }
    }

    @Test
    void aJsonUploadSplitsItsRowsByTheSameQueryParametersAsACsvUpload() {
        double[][] x = new double[40][];
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            x[i] = new double[] {i, 40 - i};
            y[i] = 3 * i + 1;
        }
        // Was a 201 with every row in training: the parameters were ignored without a word.
        JsonNode split = http.post(
                        "/datasets?testFraction=0.25&validationFraction=0.2&seed=3",
                        Map.of("name", "split", "x", x, "y", y))
                .expect(201);
        assertThat(split.get("testRows").asInt()).isEqualTo(10);
        assertThat(split.get("validationRows").asInt()).isEqualTo(6);
        assertThat(split.get("trainRows").asInt()).isEqualTo(24);
        // The same rows as the same table sent as CSV with the same seed: one split, however it arrives.
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i)
                    .append(',')
                    .append(40 - i)
                    .append(',')
                    .append(3 * i + 1)
                    .append('\n');
        }
        JsonNode fromCsv = http.post(
                        "/datasets?testFraction=0.25&validationFraction=0.2&seed=3", "text/csv", csv.toString())
                .expect(201);
        assertThat(split.get("trainRows")).isEqualTo(fromCsv.get("trainRows"));

        JsonNode both = problem(
                http.post(
                        "/datasets?testFraction=0.25",
                        Map.of("x", x, "y", y, "testX", new double[][] {{1, 2}}, "testY", new double[] {3})),
                400);
        assertThat(both.get("errors").findValuesAsString("field")).containsExactly("testFraction");
        JsonNode target = problem(http.post("/datasets?target=y", Map.of("x", x, "y", y)), 400);
        assertThat(target.get("errors").findValuesAsString("field")).containsExactly("target");
        problem(http.post("/datasets?testFraction=1", Map.of("x", x, "y", y)), 400);

        // Audit contract, F6: ?name= was refused for JSON ("not a query parameter of this endpoint", listing
        // the others), though the operation documents it; it names the data set as for CSV.
        assertThat(http.post("/datasets?name=from-query", Map.of("x", x, "y", y))
                        .expect(201)
                        .get("name")
                        .asString())
                .isEqualTo("from-query");
        JsonNode twice = problem(http.post("/datasets?name=a", Map.of("name", "b", "x", x, "y", y)), 400);
        assertThat(twice.get("errors").findValuesAsString("field")).containsExactly("name");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("a word", "a,b,y\n1,2,3\n4,five,6\n", "", "line 3, column 'b'"),
                Arguments.of("a missing cell", "a,b,y\n1,2,3\n4,5\n", "", "line 3, column 'y'"),
                Arguments.of("a cell too many", "a,b,y\n1,2,3,4\n", "", "line 2, column 4"),
                Arguments.of("NaN", "a,b,y\n1,2,3\n4,NaN,6\n", "", "line 3, column 'b'"),
                Arguments.of("Infinity", "a,b,y\n1,2,3\n4,5,-Infinity\n", "", "line 3, column 'y'"),
                Arguments.of("an empty cell", "a,b,y\n1,,3\n", "", "line 2, column 'b'"),
                Arguments.of("an empty file", "", "", "line 1"),
                Arguments.of("a header only", "a,b,y\n", "", "line 2"),
                Arguments.of("a NUL in a column name", "a\u0000b,c,y\n1,2,3\n", "", "line 1, column 1"),
                Arguments.of("an unknown target", "a,b,y\n1,2,3\n", "?target=price", "line 1"),
                Arguments.of("too many cells", linearCsv(2000), "", "trainyard.limits.max-data-cells"),
                Arguments.of(
                        "no rows left for training",
                        "a,b,y\n1,2,3\n4,5,6\n",
                        "?testFraction=0.9",
                        "no rows are left for training"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadCsvIsA400ThatNamesTheLineAndColumn(String kind, String csv, String query, String where) {
        JsonNode problem = problem(http.post("/datasets" + query, "text/csv", csv), 400);

        assertThat(problem.get("detail").asString()).as(kind).contains(where);
    }

    @Test
    void aByteOrderMarkBeforeAQuotedHeaderLeavesNoQuotesInTheColumnNames() {
        // As R's write.csv(fileEncoding = "UTF-8-BOM") and pandas' QUOTE_ALL with utf-8-sig save a file.
        JsonNode dataset = http.post(
                        "/datasets?name=bom-quoted&target=a",
                        "text/csv",
                        "\uFEFF\"a\",\"b\",\"c\"\r\n1,2,3\r\n4,5,6\r\n7,8,9\r\n")
                .expect(201);

        assertThat(dataset.get("columns").toString()).isEqualTo("[\"b\",\"c\",\"a\"]");
    }

    @Test
    void aCsvUploadThatIsNotTextInItsCharsetIsRefusedNotRepaired() {
        byte[] csv = {'a', ',', 'y', '\n', '1', ',', '2', '\n', '3', (byte) 0xFF, ',', '4', '\n'};
        Http.Response response = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/datasets?name=bytes"))
                .header("Content-Type", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(csv)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString())
                .contains("line 3")
                .contains("not text in the request's charset");
        // The same bytes are a fine Latin-1 file, when the Content-Type says so.
        Http.Response latin1 = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/datasets?name=bytes"))
                .header("Content-Type", "text/csv; charset=ISO-8859-1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        new byte[] {'a', (byte) 0xE9, ',', 'y', '\n', '1', ',', '2', '\n'})));
        assertThat(latin1.status()).isEqualTo(201);
        assertThat(latin1.json().at("/columns/0").asString()).isEqualTo("a\u00e9");
    }

    @Test
    void anOversizedUploadIs413() {
        problem(http.post("/datasets", "text/csv", "a,y\n" + "1,2\n".repeat(80_000)), 413);
    }

    @Test
    void anUploadInUseCannotBeDeletedUntilItsJobsStop() {
        String id = http.post("/datasets?name=busy", "text/csv", linearCsv(40))
                .expect(201)
                .get("id")
                .asString();
        Map<String, Object> spec = longSpec(id);
        String job = http.post("/jobs", spec).expect(202).get("id").asString();

        JsonNode conflict = problem(http.delete("/datasets/" + id), 409);

        assertThat(conflict.get("detail").asString()).contains(job).contains("cancel");
        http.post("/jobs/" + job + "/cancel", "").expect(202);
        awaitStatus(job, "CANCELLED");
        assertThat(http.delete("/datasets/" + id).status()).isEqualTo(204);
        problem(http.get("/datasets/" + id), 404);
        problem(http.delete("/datasets/" + id), 404);
        problem(http.delete("/datasets/hw5"), 409);
        assertThat(http.get("/jobs/" + job).expect(200).at("/spec/dataset").asString())
                .isEqualTo(id);
    }

    @Test
    void anUploadInUseByAnotherOwnersJobNamesOnlyTheCallersJobs() {
        String key = http.post(
                        "/keys",
                        Map.of(
                                "name",
                                "busy-" + java.util.UUID.randomUUID().toString().substring(0, 8),
                                "role",
                                "user"))
                .expect(201)
                .get("key")
                .asString();
        Http owner = http.as(key);
        String id = owner.post("/datasets?name=shared", "text/csv", linearCsv(40))
                .expect(201)
                .get("id")
                .asString();
        // An admin may train on anyone's upload; the owner cannot see (404), nor cancel, that job.
        String admins = http.post("/jobs", longSpec(id)).expect(202).get("id").asString();

        String detail =
                problem(owner.delete("/datasets/" + id), 409).get("detail").asString();
        assertThat(detail)
                .as("another owner's job id would answer this caller 404; it was named with 'cancel them'")
                .doesNotContain(admins)
                .contains("1 queued or running job of another owner")
                .doesNotContain("POST /jobs/{id}/cancel");

        String own = owner.post("/jobs", longSpec(id)).expect(202).get("id").asString();
        detail = problem(owner.delete("/datasets/" + id), 409).get("detail").asString();
        assertThat(detail)
                .contains("your queued or running job [" + own + "]")
                .contains("1 queued or running job of another owner")
                .contains("cancel yours")
                .doesNotContain(admins);
        // An admin sees every job, so every one is named.
        assertThat(problem(http.delete("/datasets/" + id), 409).get("detail").asString())
                .contains(admins)
                .contains(own)
                .doesNotContain("another owner");
    }

    /**
     * A job submitted on a data set while it is deleted: one of the two must lose. Both won (202 and
     * 204) in about one try in four, and the job then failed at its start for want of its data.
     */
    @Test
    void aJobSubmittedWhileItsDataSetIsDeletedIsEitherRefusedOrKeepsItsData() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                String id = http.post("/datasets?name=crossing", "text/csv", linearCsv(6))
                        .expect(201)
                        .get("id")
                        .asString();
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                var submit = pool.submit(() -> {
                    start.await();
                    return http.post("/jobs", Map.of("dataset", id, "alpha", 0.001, "iterations", 5));
                });
                var delete = pool.submit(() -> {
                    start.await();
                    return http.delete("/datasets/" + id).status();
                });
                Http.Response submitted = submit.get();
                int deleted = delete.get();

                // Both may also succeed when the job ran to its end (5 iterations: a few ms) before the
                // deletion looked for active jobs: then it had its data, which is what is promised.
                assertThat(List.of(submitted.status(), deleted))
                        .as("round %d: POST /jobs, DELETE /datasets: %s", round, submitted.text())
                        .isIn(List.of(202, 409), List.of(400, 204), List.of(202, 204));
                if (submitted.status() == 202) {
                    String job = submitted.json().get("id").asString();
                    assertThat(awaitStatus(job, "SUCCEEDED").get("status").asString())
                            .as("round %d: the accepted job trained on its data", round)
                            .isEqualTo("SUCCEEDED");
                    http.delete("/datasets/" + id).expect(deleted == 204 ? 404 : 204);
                } else {
                    assertThat(submitted.json().get("detail").asString()).contains("unknown data set");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- validation splits

    @Test
    void theValidationSplitIsSeededAndItsLossIsReported() {
        String id = http.post("/datasets?name=split", "text/csv", linearCsv(40))
                .expect(201)
                .get("id")
                .asString();
        // scale 0 starts every network at zero output: the first validation loss is the sum of the
        // squared targets of the validation rows, so it depends on the split and nothing else.
        JsonNode a = awaitStatus(submit(splitSpec(id, 11)), "SUCCEEDED");
        JsonNode b = awaitStatus(submit(splitSpec(id, 11)), "SUCCEEDED");
        JsonNode c = awaitStatus(submit(splitSpec(id, 12)), "SUCCEEDED");

        JsonNode lossesA =
                http.get("/jobs/" + a.get("id").asString() + "/losses").expect(200);
        JsonNode lossesB =
                http.get("/jobs/" + b.get("id").asString() + "/losses").expect(200);
        JsonNode lossesC =
                http.get("/jobs/" + c.get("id").asString() + "/losses").expect(200);
        assertThat(lossesA.get("validation").size()).isEqualTo(51);
        assertThat(lossesA.at("/validation/0").asDouble())
                .isEqualTo(lossesB.at("/validation/0").asDouble());
        assertThat(lossesA.get("validation")).isEqualTo(lossesB.get("validation"));
        assertThat(lossesA.at("/validation/0").asDouble())
                .isNotEqualTo(lossesC.at("/validation/0").asDouble());
        assertThat(a.get("validationLoss").asDouble())
                .isEqualTo(lossesA.at("/validation/50").asDouble());
        double rows = lossesA.at("/validation/50").asDouble()
                / lossesA.at("/validationMse/50").asDouble();
        assertThat(rows).isCloseTo(10.0, within(1e-9));
        assertThat(lossesA.at("/trainMse/0").asDouble() * 30)
                .isCloseTo(lossesA.at("/train/0").asDouble(), within(1e-6));
    }

    // ---------------------------------------------------------------- sweeps

    @Test
    void aSweepOnHw5IsRankedByValidationLossAndReportsTheWinnersTestLoss() {
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("layers", List.of(List.of(2), List.of(10)));
        grid.put("scale", List.of(0.1, 1.0));
        Map<String, Object> sweep =
                Map.of("name", "hw5 tuning", "base", hw5Base(150), "grid", grid, "selectBy", "validation");

        Http.Response accepted = http.post("/sweeps", sweep);

        JsonNode body = accepted.expect(202);
        String id = body.get("id").asString();
        assertThat(accepted.header("Location")).isEqualTo("/sweeps/" + id);
        assertThat(body.get("size").asInt()).isEqualTo(4);
        assertThat(body.get("warning").isNull()).isTrue();
        assertThat(body.at("/base/seed").asLong()).isEqualTo(7);
        JsonNode done = awaitSweep(id);

        assertThat(done.at("/statusCounts/SUCCEEDED").asInt()).isEqualTo(4);
        JsonNode board = done.get("leaderboard");
        assertThat(board.size()).isEqualTo(4);
        List<Double> validation = new ArrayList<>();
        for (JsonNode entry : board) {
            JsonNode job = http.get("/jobs/" + entry.get("jobId").asString()).expect(200);
            assertThat(job.get("sweepId").asString()).isEqualTo(id);
            assertThat(entry.get("validationLoss").asDouble())
                    .isEqualTo(job.get("validationLoss").asDouble());
            assertThat(entry.get("testLoss").asDouble())
                    .isEqualTo(job.get("testLoss").asDouble());
            assertThat(entry.get("trainLoss").asDouble())
                    .isEqualTo(job.get("trainLoss").asDouble());
            assertThat(entry.get("modelId").asString())
                    .isEqualTo(job.get("modelId").asString());
            assertThat(entry.at("/parameters/layers")).isEqualTo(job.at("/spec/layers"));
            assertThat(entry.at("/parameters/scale").asDouble())
                    .isEqualTo(job.at("/spec/scale").asDouble());
            assertThat(job.at("/spec/seed").asLong()).isEqualTo(7);
            validation.add(job.get("validationLoss").asDouble());
        }
        assertThat(validation).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(board.at("/0/rank").asInt()).isEqualTo(1);
        assertThat(done.at("/best/jobId").asString())
                .isEqualTo(board.at("/0/jobId").asString());
        assertThat(done.at("/best/testLoss").isNumber())
                .as("the winner's test loss is reported")
                .isTrue();
        assertThat(http.get("/models/" + done.at("/best/modelId").asString()).status())
                .isEqualTo(200);
        assertThat(http.get("/jobs?sweepId=" + id).json().get("items").size()).isEqualTo(4);
        assertThat(http.get("/sweeps").expect(200).get("items").findValuesAsString("id"))
                .contains(id);

        JsonNode curves = http.get("/sweeps/" + id + "/losses?maxPoints=20").expect(200);
        assertThat(curves.get("jobs").size()).isEqualTo(4);
        assertThat(curves.at("/jobs/0/label").asString()).isEqualTo("layers=[2], scale=0.1");
        assertThat(curves.at("/jobs/0/iteration").size()).isEqualTo(20);
        assertThat(curves.at("/jobs/0/iteration/19").asInt()).isEqualTo(150);
        assertThat(curves.at("/jobs/0/validation").size()).isEqualTo(20);
        assertThat(curves.at("/jobs/0/test").size()).isEqualTo(20);

        // The same grid selected by test loss ranks by the test column, and says why that misleads.
        Map<String, Object> byTest = new LinkedHashMap<>(sweep);
        byTest.put("selectBy", "test");
        JsonNode tested =
                awaitSweep(http.post("/sweeps", byTest).expect(202).get("id").asString());
        assertThat(tested.get("warning").asString()).contains("overstates generalisation");
        List<Double> test = new ArrayList<>();
        tested.get("leaderboard").forEach(e -> test.add(e.get("testLoss").asDouble()));
        assertThat(test).isSortedAccordingTo(Comparator.naturalOrder());
    }

    /**
     * Two members on one trajectory (same seed, data and batches) that differ only in how long they
     * train, with early stopping whose patience never runs out, so each stores the weights of its own
     * best point: the short run is still improving when it ends (its last point is its best), the
     * long one passes the shared trajectory's best validation loss and then overfits far past it. By
     * last losses the short run wins; by the models they stored the long one does.
     */
    @Test
    void aMemberThatRestoredItsBestWeightsIsRankedByTheModelItStored() {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("dataset", "hw5");
        base.put("layers", List.of(50));
        base.put("activation", "tanh");
        base.put("bias", true);
        base.put("normalize", true);
        base.put("scale", 0.5);
        base.put("alpha", 0.01);
        base.put("seed", 7);
        base.put("validationFraction", 0.25);
        base.put("optimizer", Map.of("type", "adam"));
        base.put("batchSize", 16);
        base.put("earlyStopping", Map.of("patience", 400));
        Map<String, Object> sweep =
                Map.of("name", "restored", "base", base, "grid", Map.of("iterations", List.of(20, 400)));

        JsonNode done =
                awaitSweep(http.post("/sweeps", sweep).expect(202).get("id").asString());

        assertThat(done.at("/statusCounts/SUCCEEDED").asInt())
                .as(done.toString())
                .isEqualTo(2);
        Map<Integer, JsonNode> jobs = new LinkedHashMap<>();
        Map<Integer, JsonNode> histories = new LinkedHashMap<>();
        for (JsonNode entry : done.get("leaderboard")) {
            int iterations = entry.at("/parameters/iterations").asInt();
            String jobId = entry.get("jobId").asString();
            jobs.put(iterations, http.get("/jobs/" + jobId).expect(200));
            histories.put(iterations, http.get("/jobs/" + jobId + "/losses").expect(200));
        }
        JsonNode shortRun = jobs.get(20);
        JsonNode longRun = jobs.get(400);
        int shortBest = shortRun.get("bestIteration").asInt();
        int longBest = longRun.get("bestIteration").asInt();
        // The case this test is about, read from the histories: the short run's last validation loss
        // is better than the long run's last, but the long run's best is better than the short run's.
        double shortLast = histories.get(20).at("/validation/20").asDouble();
        double longLast = histories.get(400).at("/validation/400").asDouble();
        assertThat(shortRun.get("validationLoss").asDouble()).isEqualTo(shortLast);
        assertThat(longRun.get("validationLoss").asDouble()).isEqualTo(longLast);
        assertThat(shortLast).isLessThan(longLast);
        assertThat(histories.get(400).at("/validation/" + longBest).asDouble())
                .isLessThan(histories.get(20).at("/validation/" + shortBest).asDouble());
        assertThat(longBest).isGreaterThan(20);

        // Ranked by the stored models: the long run wins, and it is the best job and model.
        JsonNode board = done.get("leaderboard");
        assertThat(board.at("/0/jobId").asString()).isEqualTo(longRun.get("id").asString());
        assertThat(done.at("/best/jobId").asString())
                .isEqualTo(longRun.get("id").asString());
        assertThat(done.at("/best/modelId").asString())
                .isEqualTo(longRun.get("modelId").asString());
        for (JsonNode entry : board) {
            int iterations = entry.at("/parameters/iterations").asInt();
            JsonNode job = jobs.get(iterations);
            JsonNode history = histories.get(iterations);
            int best = job.get("bestIteration").asInt();
            JsonNode model =
                    http.get("/models/" + job.get("modelId").asString()).expect(200);
            // The entry's losses are the stored model's: the best point's, and it says which point.
            assertThat(entry.get("bestIteration").asInt()).isEqualTo(best);
            assertThat(entry.get("trainLoss").asDouble())
                    .isEqualTo(model.get("trainLoss").asDouble());
            assertThat(entry.get("testLoss").asDouble())
                    .isEqualTo(model.get("testLoss").asDouble());
            assertThat(entry.get("validationLoss").asDouble())
                    .isEqualTo(history.at("/validation/" + best).asDouble());
            assertThat(entry.get("score").asDouble())
                    .isCloseTo(history.at("/validationMse/" + best).asDouble(), within(1e-12));
            // The job body keeps its last point's losses and says that the model holds another point's.
            assertThat(job.get("restoredBest").asBoolean()).isTrue();
            assertThat(job.get("trainLoss").asDouble())
                    .isEqualTo(history.at("/train/" + iterations).asDouble());
            // The history keeps every point.
            assertThat(history.get("iteration").size()).isEqualTo(iterations + 1);
        }
        assertThat(longRun.get("testLoss").asDouble())
                .as("the long run's last point is not its model")
                .isNotEqualTo(board.at("/0/testLoss").asDouble());

        JsonNode curves =
                http.get("/sweeps/" + done.get("id").asString() + "/losses").expect(200);
        for (JsonNode curve : curves.get("jobs")) {
            JsonNode job =
                    curve.get("jobId").asString().equals(longRun.get("id").asString()) ? longRun : shortRun;
            assertThat(curve.get("bestIteration").asInt())
                    .isEqualTo(job.get("bestIteration").asInt());
            assertThat(curve.get("iteration").size())
                    .isEqualTo(job.at("/spec/iterations").asInt() + 1);
        }
    }

    /** Without restoreBest the stored model holds the last point: the leaderboard shows the last losses. */
    @Test
    void aMemberThatKeptItsLastWeightsIsRankedByItsLastLosses() {
        Map<String, Object> base = hw5Base(60);
        base.put("layers", List.of(5));
        base.put("earlyStopping", Map.of("patience", 5, "monitor", "train", "restoreBest", false));
        Map<String, Object> sweep = Map.of("base", base, "grid", Map.of("scale", List.of(0.1, 0.2)));

        JsonNode done =
                awaitSweep(http.post("/sweeps", sweep).expect(202).get("id").asString());

        assertThat(done.at("/statusCounts/SUCCEEDED").asInt())
                .as(done.toString())
                .isEqualTo(2);
        for (JsonNode entry : done.get("leaderboard")) {
            JsonNode job = http.get("/jobs/" + entry.get("jobId").asString()).expect(200);
            JsonNode model =
                    http.get("/models/" + job.get("modelId").asString()).expect(200);
            assertThat(job.get("restoredBest").asBoolean()).isFalse();
            assertThat(entry.get("bestIteration").isNull()).isTrue();
            assertThat(entry.get("validationLoss").asDouble())
                    .isEqualTo(job.get("validationLoss").asDouble());
            assertThat(entry.get("trainLoss").asDouble())
                    .isEqualTo(job.get("trainLoss").asDouble())
                    .isEqualTo(model.get("trainLoss").asDouble());
        }
    }

    @Test
    void divergedMembersRankLastNeverFirst() {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("dataset", "hw5");
        base.put("layers", List.of());
        base.put("bias", true);
        base.put("iterations", 300);
        base.put("seed", 3);
        base.put("validationFraction", 0.2);
        // Unnormalised inputs (x2 is around 50): gradient descent on the linear model is stable only
        // for alpha below about 1e-6, so 1e-3 overflows within a hundred steps. The diverging value
        // comes first in the grid, so grid order alone would rank it first.
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("alpha", List.of(1e-3, 1e-7));
        grid.put("scale", List.of(0.1, 0.2));
        Map<String, Object> sweep = Map.of("name", "mixed", "base", base, "grid", grid);

        JsonNode done =
                awaitSweep(http.post("/sweeps", sweep).expect(202).get("id").asString());

        JsonNode board = done.get("leaderboard");
        assertThat(done.at("/statusCounts/FAILED").asInt()).as(done.toString()).isEqualTo(2);
        assertThat(done.at("/statusCounts/SUCCEEDED").asInt()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            assertThat(board.get(i).get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(board.get(i).at("/parameters/alpha").asDouble()).isEqualTo(1e-7);
            assertThat(board.get(i).get("score").asDouble()).isPositive();
        }
        for (int i = 2; i < 4; i++) {
            assertThat(board.get(i).get("status").asString()).isEqualTo("FAILED");
            assertThat(board.get(i).get("error").asString()).contains("diverged");
            assertThat(board.get(i).get("score").isNull()).isTrue();
        }
        assertThat(done.at("/best/status").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void cancellingASweepCancelsItsMembers() {
        Map<String, Object> sweep =
                Map.of("base", longSpec("hw5"), "grid", Map.of("scale", List.of(0.1, 0.2, 0.3)), "selectBy", "train");
        JsonNode created = http.post("/sweeps", sweep).expect(202);
        String id = created.get("id").asString();
        assertThat(created.get("warning").asString()).contains("training loss");
        await().atMost(TRAINING)
                .until(() -> http.get("/sweeps/" + id)
                                .json()
                                .at("/statusCounts/RUNNING")
                                .asInt()
                        == 2);

        http.post("/sweeps/" + id + "/cancel", "").expect(202);

        JsonNode done = awaitSweep(id);
        assertThat(done.at("/statusCounts/CANCELLED").asInt()).isEqualTo(3);
        assertThat(done.get("best").isNull()).isTrue();
        problem(http.post("/sweeps/nope/cancel", ""), 404);
        problem(http.get("/sweeps/nope"), 404);
        problem(http.get("/sweeps/nope/losses"), 404);
    }

    /**
     * Ten long members on two workers, both busy: eight wait. Cancelled one by one, the running members'
     * workers were freed first and claimed queued ones before the loop reached them (4 of 8 started
     * after the cancel, audit item 4). Now every queued member is cancelled in one transaction before any
     * worker is freed: none of the eight ever gets an attempt, and the answer says so at once.
     */
    @Test
    void cancellingASweepStartsNoneOfTheMembersThatWereQueued() {
        List<Double> scales = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
        Map<String, Object> sweep =
                Map.of("base", longSpec("hw5"), "grid", Map.of("scale", scales), "selectBy", "train");
        String id = http.post("/sweeps", sweep).expect(202).get("id").asString();
        await().atMost(TRAINING)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> http.get("/sweeps/" + id)
                                .json()
                                .at("/statusCounts/RUNNING")
                                .asInt()
                        == 2);
        // Both workers train members of a million iterations: nothing frees one before the cancel.
        List<String> queued = new ArrayList<>();
        List<String> running = new ArrayList<>();
        for (JsonNode entry : http.get("/sweeps/" + id).expect(200).get("leaderboard")) {
            (entry.get("status").asString().equals("QUEUED") ? queued : running)
                    .add(entry.get("jobId").asString());
        }
        assertThat(queued).hasSize(8);

        JsonNode answer = http.post("/sweeps/" + id + "/cancel", "").expect(202);

        assertThat(answer.at("/statusCounts/QUEUED").asInt()).isZero();
        assertThat(answer.at("/statusCounts/CANCELLED").asInt())
                .as(answer.toString())
                .isGreaterThanOrEqualTo(8);
        for (JsonNode entry : answer.get("leaderboard")) {
            String job = entry.get("jobId").asString();
            if (queued.contains(job)) {
                assertThat(entry.get("status").asString())
                        .as("queued at the cancel: cancelled in the answer")
                        .isEqualTo("CANCELLED");
                assertThat(entry.get("cancelRequested").asBoolean()).isFalse();
            } else if (entry.get("status").asString().equals("RUNNING")) {
                assertThat(entry.get("cancelRequested").asBoolean())
                        .as("a running member in the answer is one asked to stop")
                        .isTrue();
            }
        }
        JsonNode done = awaitSweep(id);
        assertThat(done.at("/statusCounts/CANCELLED").asInt()).isEqualTo(10);
        for (String job : queued) {
            JsonNode member = http.get("/jobs/" + job).expect(200);
            assertThat(member.get("attemptHistory"))
                    .as("never started: %s", member)
                    .isEmpty();
            assertThat(member.get("attempts").asInt()).isZero();
            assertThat(member.get("startedAt").isNull()).isTrue();
        }
        for (JsonNode entry : done.get("leaderboard")) {
            if (queued.contains(entry.get("jobId").asString())) {
                assertThat(entry.get("trainLoss").isNull())
                        .as("no losses of a run that never was")
                        .isTrue();
                assertThat(entry.get("score").isNull()).isTrue();
            }
        }
        for (String job : running) {
            assertThat(http.get("/jobs/" + job).expect(200).get("attemptHistory"))
                    .hasSize(1);
        }
    }

    static Stream<Arguments> equivalentGridValues() {
        return Stream.of(
                Arguments.of("activation", "[\"relu\", \"RELU\"]", "\"RELU\" is the same as \"relu\"", "\"relu\""),
                Arguments.of(
                        "optimizer",
                        "[{\"type\": \"adam\"}, {\"type\": \"adam\", \"beta1\": 0.9}]",
                        "{\"type\":\"adam\",\"beta1\":0.9} is the same as {\"type\":\"adam\"}",
                        "\"beta2\":0.999"),
                Arguments.of(
                        "earlyStopping",
                        "[{\"patience\": 5}, {\"patience\": 5, \"minDelta\": 0}]",
                        "{\"patience\":5,\"minDelta\":0} is the same as {\"patience\":5}",
                        "\"restoreBest\":true"),
                Arguments.of(
                        "optimizer",
                        "[{\"type\": \"momentum\", \"beta\": 0.9}, {\"type\": \"Momentum\"}]",
                        "{\"type\":\"Momentum\"} is the same as {\"type\":\"momentum\",\"beta\":0.9}",
                        "both resolve to {\"type\":\"momentum\",\"beta\":0.9}"));
    }

    /**
     * Values written differently that resolve alike make identical members: refused on what the members
     * resolve to, naming the grid key and both values, by the dry run and the submission alike; nothing
     * is queued (audit item 6).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("equivalentGridValues")
    void gridValuesThatResolveAlikeAreA400NamingBothValues(String key, String values, String says, String resolved) {
        String body = "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 10, "
                + "\"validationFraction\": 0.25}, \"grid\": {\"" + key + "\": " + values
                + ", \"seed\": [1, 2]}}";
        int jobsBefore = http.get("/jobs?limit=500").json().get("items").size();

        for (String path : List.of("/sweeps?dryRun=true", "/sweeps")) {
            JsonNode problem = problem(http.post(path, body), 400);
            assertThat(problem.get("errors")).as(path).singleElement().satisfies(error -> {
                assertThat(error.get("field").asString()).isEqualTo("grid." + key + "[1]");
                assertThat(error.get("message").asString())
                        .startsWith(says + " (grid." + key + "[0]): ")
                        .contains(resolved)
                        .contains("keep one of them");
            });
        }
        assertThat(http.get("/jobs?limit=500").json().get("items").size()).isEqualTo(jobsBefore);
    }

    /**
     * A batch of at least the rows a member trains on is the full batch (API.md): beside null it makes
     * the same jobs, one row fewer makes other jobs. Values that are truly different stay apart.
     */
    @Test
    void aBatchOfAtLeastTheTrainingRowsIsTheFullBatchAndTrulyDifferentValuesStayApart() {
        int rows = http.get("/datasets/hw5").expect(200).get("trainRows").asInt();
        int training = rows - (int) Math.round(rows * 0.25);
        String base = "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 10, "
                + "\"validationFraction\": 0.25}, \"grid\": ";

        JsonNode full =
                problem(http.post("/sweeps?dryRun=true", base + "{\"batchSize\": [null, " + training + "]}}"), 400);
        assertThat(full.get("errors")).singleElement().satisfies(error -> {
            assertThat(error.get("field").asString()).isEqualTo("grid.batchSize[1]");
            assertThat(error.get("message").asString())
                    .startsWith(training + " is the same as null (grid.batchSize[0]): ")
                    .contains("at least the " + training + " rows these members train on is the full batch");
        });
        problem(http.post("/sweeps?dryRun=true", base + "{\"batchSize\": [100000, null]}}"), 400);

        for (String grid : List.of(
                "{\"batchSize\": [null, " + (training - 1) + "]}",
                "{\"activation\": [\"relu\", \"tanh\"]}",
                "{\"optimizer\": [{\"type\": \"adam\"}, {\"type\": \"adam\", \"beta1\": 0.95}]}",
                "{\"optimizer\": [{\"type\": \"gd\"}, {\"type\": \"momentum\", \"beta\": 0}]}",
                "{\"earlyStopping\": [{\"patience\": 5}, {\"patience\": 5, \"minDelta\": 0.001}, null]}",
                "{\"alpha\": [0.001, 0.0010000000000000002]}")) {
            assertThat(http.post("/sweeps?dryRun=true", base + grid + "}").status())
                    .as(grid)
                    .isEqualTo(200);
        }
    }

    @Test
    void aMemberDeletedAfterwardsIsCountedSoTheCountsStillAddUpToTheSize() {
        Map<String, Object> sweep = Map.of("base", hw5Base(10), "grid", Map.of("scale", List.of(0.1, 0.2, 0.3)));
        String id = http.post("/sweeps", sweep).expect(202).get("id").asString();
        JsonNode done = awaitSweep(id);
        assertThat(done.get("deleted").asInt()).isZero();
        String deleted = done.at("/best/jobId").asString();

        assertThat(http.delete("/jobs/" + deleted).status()).isEqualTo(204);

        JsonNode after = http.get("/sweeps/" + id).expect(200);
        int counted = 0;
        for (JsonNode count : after.get("statusCounts")) {
            counted += count.asInt();
        }
        assertThat(after.get("size").asInt()).isEqualTo(3);
        assertThat(after.get("deleted").asInt()).isEqualTo(1);
        assertThat(counted + after.get("deleted").asInt()).isEqualTo(3);
        assertThat(after.get("leaderboard").findValuesAsString("jobId"))
                .hasSize(2)
                .doesNotContain(deleted);
        assertThat(after.at("/best/jobId").asString())
                .isEqualTo(after.at("/leaderboard/0/jobId").asString())
                .isNotEqualTo(deleted);
        assertThat(http.get("/sweeps/" + id + "/losses").expect(200).get("jobs").size())
                .isEqualTo(2);
        JsonNode listed = null;
        for (JsonNode item : http.get("/sweeps?limit=500").expect(200).get("items")) {
            if (item.get("id").asString().equals(id)) {
                listed = item;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("deleted").asInt()).isEqualTo(1);
    }

    @Test
    void aSweepDryRunFlagsTrainAndTestSelectionAsTheSubmissionDoes() {
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("base", hw5Base(10));
        sweep.put("grid", Map.of("alpha", List.of(0.001)));
        int jobs = count("QUEUED") + count("RUNNING") + count("SUCCEEDED");

        for (String selectBy : List.of("train", "test")) {
            sweep.put("selectBy", selectBy);
            JsonNode dry = http.post("/sweeps?dryRun=true", sweep).expect(200);
            assertThat(dry.get("selectBy").asString()).isEqualTo(selectBy);
            assertThat(dry.get("warning").asString())
                    .as(selectBy)
                    .isNotBlank()
                    .contains(selectBy.equals("train") ? "training loss" : "overstates generalisation");
        }
        sweep.put("selectBy", "validation");
        assertThat(http.post("/sweeps?dryRun=true", sweep)
                        .expect(200)
                        .get("warning")
                        .isNull())
                .isTrue();
        assertThat(count("QUEUED") + count("RUNNING") + count("SUCCEEDED")).isEqualTo(jobs);
    }

    /**
     * Three members of a million iterations each: every curve in full is three million points held at
     * once, refused before any history is read; the same sweep within the budget is answered.
     */
    @Test
    void sweepCurvesBeyondThePointBudgetAreA400NotAnOutOfMemory() {
        Map<String, Object> sweep =
                Map.of("base", longSpec("hw5"), "grid", Map.of("scale", List.of(0.1, 0.2, 0.3)), "selectBy", "train");
        String id = http.post("/sweeps", sweep).expect(202).get("id").asString();

        JsonNode refused = problem(http.get("/sweeps/" + id + "/losses?maxPoints=1000000"), 400);
        assertThat(refused.get("errors").findValuesAsString("field")).containsExactly("maxPoints");
        assertThat(refused.get("detail").asString())
                .contains("3 jobs")
                .contains("3000000")
                .contains("2000000")
                .contains("666666");
        assertThat(problem(http.get("/sweeps/" + id + "/losses?maxPoints=2147483647"), 400)
                        .get("detail")
                        .asString())
                .as("no curve is longer than its job's iterations + 1")
                .contains("3000003");
        problem(http.get("/sweeps/" + id + "/losses?maxPoints=666667"), 400);
        assertThat(http.get("/sweeps/" + id + "/losses?maxPoints=666666")
                        .expect(200)
                        .get("jobs")
                        .size())
                .isEqualTo(3);
        http.post("/sweeps/" + id + "/cancel", "").expect(202);

        // Audit contract, F3: cancelled, the members stored a few points each (none if cancelled while
        // queued), and that is what the budget counts; their million iterations were refused as if to come.
        await().atMost(TRAINING)
                .until(() -> http.get("/sweeps/" + id)
                                .json()
                                .at("/statusCounts/CANCELLED")
                                .asInt()
                        == 3);
        JsonNode whole = http.get("/sweeps/" + id + "/losses?maxPoints=1000000").expect(200);
        assertThat(whole.get("jobs").size()).isEqualTo(3);
        int points = 0;
        for (JsonNode curve : whole.get("jobs")) {
            assertThat(curve.get("train").size())
                    .isEqualTo(curve.get("iteration").size());
            points += curve.get("iteration").size();
        }
        assertThat(points).as("every point the members stored").isPositive().isLessThan(1_000_000);
    }

    static Stream<Arguments> badSweeps() {
        String base = "\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"validationFraction\": 0.2}";
        return Stream.of(
                Arguments.of("no grid", "{" + base + "}", "grid"),
                Arguments.of("an empty grid", "{" + base + ", \"grid\": {}}", "grid"),
                Arguments.of(
                        "an unknown key", "{" + base + ", \"grid\": {\"learningRate\": [0.1]}}", "grid.learningRate"),
                Arguments.of("an empty list", "{" + base + ", \"grid\": {\"alpha\": []}}", "grid.alpha"),
                Arguments.of(
                        "a value of the wrong type",
                        "{" + base + ", \"grid\": {\"alpha\": [0.1, \"fast\"]}}",
                        "grid.alpha[1]"),
                Arguments.of("a value that is not a list", "{" + base + ", \"grid\": {\"alpha\": 0.1}}", "grid.alpha"),
                Arguments.of(
                        "layers that are not arrays",
                        "{" + base + ", \"grid\": {\"layers\": [5, 10]}}",
                        "grid.layers[0]"),
                Arguments.of(
                        "a value out of range", "{" + base + ", \"grid\": {\"alpha\": [0.1, -1]}}", "grid.alpha[1]"),
                Arguments.of(
                        "a width out of range in the second layers value",
                        "{" + base + ", \"grid\": {\"layers\": [[5], [5, 0]], \"alpha\": [0.1, 0.2]}}",
                        "grid.layers[1][1]"),
                Arguments.of(
                        "an option out of range in the third value",
                        "{" + base + ", \"grid\": {\"earlyStopping\": [null, {\"patience\": 5}, {\"patience\": 0}]}}",
                        "grid.earlyStopping[2].patience"),
                Arguments.of(
                        "a bad base",
                        "{\"base\": {\"dataset\": \"nope\", \"alpha\": 0.1, "
                                + "\"validationFraction\": 0.2}, \"grid\": {\"alpha\": [0.1]}}",
                        "base.dataset"),
                Arguments.of("no base", "{\"grid\": {\"alpha\": [0.1]}}", "base"),
                Arguments.of(
                        "more jobs than the limit",
                        "{" + base + ", \"grid\": {\"alpha\": [1, 2, 3, 4], " + "\"scale\": [1, 2, 3, 4]}}",
                        "grid"),
                Arguments.of(
                        "validation without a validation set",
                        "{\"base\": {\"dataset\": \"hw5\", " + "\"alpha\": 0.1}, \"grid\": {\"alpha\": [0.1]}}",
                        "base.validationFraction"),
                Arguments.of(
                        "a zero validationFraction in the grid, selected by validation",
                        "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.1}, "
                                + "\"grid\": {\"validationFraction\": [0.2, 0]}}",
                        "grid.validationFraction[1]"),
                Arguments.of(
                        "a number beyond a double's range",
                        "{" + base + ", \"grid\": {\"alpha\": [0.1, 1e400]}}",
                        "grid.alpha[1]"),
                Arguments.of(
                        "an unknown selectBy",
                        "{" + base + ", \"grid\": {\"alpha\": [0.1]}, " + "\"selectBy\": \"luck\"}",
                        "selectBy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSweeps")
    void aBadSweepIsA400ThatQueuesNothing(String kind, String body, String field) {
        int sweepsBefore = http.get("/sweeps?limit=500").json().get("items").size();
        int jobsBefore = http.get("/jobs?limit=500").json().get("items").size();

        JsonNode problem = problem(http.post("/sweeps", body), 400);

        assertThat(problem.get("errors").findValuesAsString("field")).as(kind).contains(field);
        assertThat(http.get("/sweeps?limit=500").json().get("items").size()).isEqualTo(sweepsBefore);
        assertThat(http.get("/jobs?limit=500").json().get("items").size()).isEqualTo(jobsBefore);
    }

    /** A whole number of 400 digits is valid JSON but no double: every grid key refuses it as a 400. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("gridKeys")
    void aWholeNumberTooLargeForAnyNumberTypeIsA400ForEveryGridKey(String key) {
        String huge = "1" + "0".repeat(400);
        String body = "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"validationFraction\": 0.2}, "
                + "\"grid\": {\"" + key + "\": [0.5, " + huge + "]}}";

        for (String path : List.of("/sweeps?dryRun=true", "/sweeps")) {
            JsonNode problem = problem(http.post(path, body), 400);
            assertThat(problem.get("errors").findValuesAsString("field"))
                    .as(path)
                    .isNotEmpty()
                    .allMatch(f -> f.startsWith("grid." + key + "["), "names the grid value");
        }
    }

    /**
     * A member problem only some grid points have is the grid's doing: the base alone is valid, so
     * naming base.earlyStopping.monitor pointed at the wrong input.
     */
    @Test
    void aMemberProblemOfSomeGridPointsIsNamedByTheGridValueThatCausesIt() {
        String body = "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.1, \"iterations\": 5, "
                + "\"earlyStopping\": {\"patience\": 2}}, \"grid\": {\"validationFraction\": [0.2, 0]}, "
                + "\"selectBy\": \"train\"}";

        JsonNode problem = problem(http.post("/sweeps?dryRun=true", body), 400);

        assertThat(problem.get("errors")).singleElement().satisfies(error -> {
            assertThat(error.get("field").asString()).isEqualTo("grid.validationFraction[1]");
            assertThat(error.get("message").asString()).startsWith("with base.earlyStopping.monitor: ");
        });
    }

    @Test
    void gridValuesAreRefusedForWhatIsWrongWithThemAndAZeroFractionIsToBeRemoved() {
        String base = "\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5, ";

        JsonNode infinite = problem(
                http.post(
                        "/sweeps?dryRun=true",
                        "{" + base + "\"validationFraction\": 0.2}, \"grid\": {\"alpha\": [0.1, 1e400, 2e400]}}"),
                400);
        assertThat(infinite.get("errors").findValuesAsString("field"))
                .containsExactly("grid.alpha[1]", "grid.alpha[2]");
        assertThat(infinite.get("errors").findValuesAsString("message"))
                .allSatisfy(m -> assertThat(m).contains("not a finite number").doesNotContain("listed twice"));

        // Inside a value too, named down to the part, and never echoed as "Infinity" (never sent).
        JsonNode nested = problem(
                http.post(
                        "/sweeps?dryRun=true",
                        "{" + base + "\"validationFraction\": 0.2}, \"grid\": {\"layers\": [[1], [1, 1e400]], "
                                + "\"earlyStopping\": [null, {\"patience\": 1e400}], "
                                + "\"optimizer\": [{\"type\": \"momentum\", \"beta\": 1e400}]}}"),
                400);
        assertThat(nested.get("errors").findValuesAsString("field"))
                .containsExactly("grid.layers[1][1]", "grid.earlyStopping[1].patience", "grid.optimizer[0].beta");
        assertThat(nested.get("errors").findValuesAsString("message"))
                .allSatisfy(
                        m -> assertThat(m).startsWith("is not a finite number").doesNotContain("Infinity"));

        // A value that is no text is refused for itself, under the grid key it came in: the member name built
        // from it ("s [activation=\ud800]") is no field the client sent, so it is no problem of base.name.
        for (String values : List.of("[\"\\ud800\"]", "[\"relu\", \"\\ud800\"]")) {
            JsonNode noText = problem(
                    http.post(
                            "/sweeps?dryRun=true",
                            "{\"name\": \"s\", " + base + "\"validationFraction\": 0.2}, "
                                    + "\"grid\": {\"activation\": " + values + "}}"),
                    400);
            assertThat(noText.get("errors")).as(values).singleElement().satisfies(error -> {
                assertThat(error.get("field").asString()).startsWith("grid.activation[");
                assertThat(error.get("message").asString())
                        .doesNotContain("name")
                        .doesNotContain("surrogate");
            });
        }

        JsonNode outOfRange = problem(
                http.post(
                        "/sweeps?dryRun=true",
                        "{" + base + "\"validationFraction\": 0.2}, \"grid\": {\"seed\": [9223372036854775808]}}"),
                400);
        assertThat(outOfRange.at("/errors/0/field").asString()).isEqualTo("grid.seed[0]");
        assertThat(outOfRange.at("/errors/0/message").asString())
                .isEqualTo("'9223372036854775808' is too large: must be a whole number from "
                        + "-9223372036854775808 to 9223372036854775807");

        JsonNode zero = problem(
                http.post(
                        "/sweeps?dryRun=true",
                        "{" + base + "\"validationFraction\": 0.2}, \"grid\": {\"validationFraction\": [0.2, 0]}}"),
                400);
        assertThat(zero.at("/errors/0/field").asString()).isEqualTo("grid.validationFraction[1]");
        assertThat(zero.at("/errors/0/message").asString())
                .contains("remove 0 from grid.validationFraction")
                .doesNotContain("set base.validationFraction");
    }

    @Test
    void theSizeLimitIsNamedInTheProblem() {
        JsonNode problem = problem(
                http.post(
                        "/sweeps",
                        "{\"base\": {\"dataset\": \"hw5\", \"alpha\": 0.1, "
                                + "\"validationFraction\": 0.2}, \"grid\": {\"alpha\": [1, 2, 3, 4, 5, 6, 7], \"bias\": [true, false]}}"),
                400);

        assertThat(problem.get("detail").asString()).contains("14 jobs").contains("trainyard.limits.max-sweep-size");
    }

    @Test
    void sweepsAreListedNewestFirstPageByPage() {
        List<String> created = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String body = "{\"name\": \"paged " + i + "\", \"base\": {\"dataset\": \"hw5\", \"alpha\": 0.001, "
                    + "\"iterations\": 0, \"seed\": 1, \"validationFraction\": 0.2}, \"grid\": {\"scale\": [0.1]}}";
            created.add(0, http.post("/sweeps", body).expect(202).get("id").asString());
        }

        // Every sweep, one page at a time: newest first, each once, however many there are (the list used
        // to stop at `limit`, with no way to reach older sweeps).
        List<String> listed = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = http.get("/sweeps?limit=1" + (cursor == null ? "" : "&cursor=" + cursor))
                    .expect(200);
            assertThat(page.get("items").size()).isLessThanOrEqualTo(1);
            page.get("items").forEach(item -> listed.add(item.get("id").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null && ++pages < 1000);

        assertThat(listed).doesNotHaveDuplicates().startsWith(created.toArray(String[]::new));
        assertThat(http.get("/sweeps?limit=500").expect(200).get("items").findValuesAsString("id"))
                .isEqualTo(listed);
        assertThat(problem(http.get("/sweeps?cursor=zzz"), 400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("cursor");
    }

    @Test
    void theNewEndpointsAreDocumented() {
        JsonNode docs = http.get("/v3/api-docs").expect(200);
        assertThat(docs.get("paths").propertyNames())
                .contains(
                        "/datasets",
                        "/datasets/{id}",
                        "/sweeps",
                        "/sweeps/{id}",
                        "/sweeps/{id}/losses",
                        "/sweeps/{id}/cancel");
        assertThat(docs.at("/paths/~1sweeps/post/summary").asString()).isNotBlank();
        assertThat(docs.at("/components/schemas/CreateSweepRequest/properties/grid/description")
                        .asString())
                .as("every key a grid may vary, as API.md lists them")
                .contains(GRID_KEYS);
        assertThat(docs.at("/paths/~1datasets/post/requestBody/content").propertyNames())
                .contains("text/csv", "application/json");
    }

    // ---------------------------------------------------------------- helpers

    /** y = 3a − 2b + 1, with a on a scale a hundred times b's, and the target in the middle column. */
    static String linearCsv(int rows) {
        Random random = new Random(42);
        StringBuilder csv = new StringBuilder("a,y,b\n");
        for (int i = 0; i < rows; i++) {
            double a = Math.round(random.nextDouble() * 10000) / 100.0;
            double b = Math.round(random.nextDouble() * 100) / 100.0;
            csv.append(a)
                    .append(',')
                    .append(3 * a - 2 * b + 1)
                    .append(',')
                    .append(b)
                    .append('\n');
        }
        return csv.toString();
    }

    Map<String, Object> splitSpec(String dataset, long seed) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dataset", dataset);
        spec.put("layers", List.of());
        spec.put("scale", 0.0);
        spec.put("normalize", true);
        spec.put("alpha", 0.001);
        spec.put("iterations", 50);
        spec.put("seed", seed);
        spec.put("validationFraction", 0.25);
        return spec;
    }

    static Map<String, Object> hw5Base(int iterations) {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("dataset", "hw5");
        base.put("activation", "sigmoid");
        base.put("bias", true);
        base.put("normalize", true);
        base.put("alpha", 0.0005);
        base.put("iterations", iterations);
        base.put("seed", 7);
        base.put("validationFraction", 0.25);
        return base;
    }

    /** A job that would run for minutes: tests cancel it. */
    static Map<String, Object> longSpec(String dataset) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dataset", dataset);
        spec.put("layers", List.of(64, 64));
        spec.put("alpha", 1e-9);
        spec.put("iterations", 1_000_000);
        spec.put("seed", 1);
        return spec;
    }

    String submit(Map<String, Object> spec) {
        return http.post("/jobs", spec).expect(202).get("id").asString();
    }

    JsonNode awaitStatus(String id, String status) {
        await().atMost(TRAINING)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> http.get("/jobs/" + id).json().get("status").asString(),
                        s -> s.equals(status)
                                || List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(s));
        JsonNode job = http.get("/jobs/" + id).json();
        assertThat(job.get("status").asString()).as("job %s: %s", id, job).isEqualTo(status);
        return job;
    }

    JsonNode awaitSweep(String id) {
        await().atMost(TRAINING)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> http.get("/sweeps/" + id).json().get("finished").asBoolean());
        return http.get("/sweeps/" + id).expect(200);
    }

    private int count(String status) {
        return http.get("/jobs?status=" + status + "&limit=500")
                .json()
                .get("items")
                .size();
    }

    static JsonNode problem(Http.Response response, int status) {
        return ApiContract.problem(response, status);
    }
}
