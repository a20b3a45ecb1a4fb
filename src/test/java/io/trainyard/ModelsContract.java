package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.trainyard.model.OnnxRuntimeCheck;
import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * The "Models" part of ../shared/API.md that issue 16 added, over real HTTP: lineage with the data
 * digest, ONNX downloads run by ONNX Runtime, aliases and their history, streamed CSV predictions.
 * Runs once per store: {@code H2ModelsIntegrationTests} and {@code PostgresModelsIntegrationTests}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=2",
            "trainyard.limits.max-request-size=16MB",
            "trainyard.heartbeat-interval=300ms",
            "trainyard.history-flush-interval=200ms",
        })
@ExtendWith(OutputCaptureExtension.class)
abstract class ModelsContract {

    static final Duration TRAINING = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    // ---------------------------------------------------------------- lineage

    @Test
    void aModelTrainedOnAnUploadKnowsItsLineageAndTheDigestOfItsRows() throws Exception {
        double[][] rows = table(new Random(11), 60);
        String dataset = upload("lineage-data", rows);

        Map<String, Object> spec = spec(dataset, "relu", 2, true);
        String modelId = train(spec);

        JsonNode model = http.get("/models/" + modelId).expect(200);
        JsonNode lineage = model.get("lineage");
        assertThat(lineage.get("dataDigest").asString()).isEqualTo(sha256OfRows(rows));
        assertThat(lineage.get("datasetId").asString()).isEqualTo(dataset);
        assertThat(lineage.get("datasetName").asString()).isEqualTo("lineage-data");
        assertThat(lineage.get("jobId").asString()).isEqualTo(model.get("jobId").asString());
        assertThat(lineage.get("sweepId").isNull()).isTrue();
        assertThat(lineage.at("/spec/seed").asLong()).isEqualTo(5);
        assertThat(lineage.at("/spec/activation").asString()).isEqualTo("relu");
        assertThat(lineage.at("/spec/basisDegree").asInt()).isEqualTo(2);
        assertThat(lineage.get("version").asString()).isNotBlank();
        assertThat(lineage.get("matrixProducts").asString()).isNotBlank();
        assertThat(lineage.get("trainingSeconds").asDouble()).isPositive();
        assertThat(lineage.get("imported").asBoolean()).isFalse();
        assertThat(model.get("inputColumns").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(model.get("outputColumns").toString()).isEqualTo("[\"target\"]");

        JsonNode listed = findInList(modelId);
        assertThat(listed.at("/lineage/dataDigest").asString()).isEqualTo(sha256OfRows(rows));
        assertThat(listed.get("inputColumns").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
    }

    @Test
    void theDigestCoversOnlyTheTrainingRowsNotTheTestRows() throws Exception {
        double[][] train = table(new Random(12), 30);
        double[][] test = table(new Random(13), 10);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "with test rows");
        body.put("x", column(train, 0, 3));
        body.put("y", column(train, 3, 4));
        body.put("testX", column(test, 0, 3));
        body.put("testY", column(test, 3, 4));
        String dataset = http.post("/datasets", body).expect(201).get("id").asString();

        String modelId = train(spec(dataset, "sigmoid", 1, false));

        assertThat(http.get("/models/" + modelId)
                        .expect(200)
                        .at("/lineage/dataDigest")
                        .asString())
                .isEqualTo(sha256OfRows(train));
    }

    @Test
    void anImportedModelSaysSo() {
        JsonNode model = http.post("/models", linearModel(List.of("a", "b"))).expect(201);

        assertThat(model.at("/lineage/imported").asBoolean()).isTrue();
        assertThat(model.at("/lineage/jobId").isNull()).isTrue();
        assertThat(model.at("/lineage/dataDigest").isNull()).isTrue();
        assertThat(model.at("/lineage/version").asString()).isNotBlank();
        assertThat(model.get("inputColumns").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void predictionsForNoRowsSayXIsEmptyNotMissing() {
        String id =
                http.post("/models", linearModel(null)).expect(201).get("id").asString();

        JsonNode empty = ApiContract.problem(http.post("/models/" + id + "/predictions", "{\"x\": []}"), 400);
        JsonNode missing = ApiContract.problem(http.post("/models/" + id + "/predictions", "{}"), 400);

        // "x: is required" for an x that was given, only empty, had the client looking for a typo.
        assertThat(empty.get("detail").asString())
                .contains("must hold at least one input row")
                .doesNotContain("required");
        assertThat(empty.at("/errors/0/field").asString()).isEqualTo("x");
        assertThat(missing.get("detail").asString()).contains("is required");
    }

    /**
     * API.md: "POST /models with that body (no id)": a trained model's GET answer minus its id imports
     * as it is; what the service assigns (jobId, createdAt, owner, lineage) is ignored, not refused.
     */
    @Test
    void aTrainedModelsOwnAnswerWithoutItsIdImportsAndPredictsTheSame() throws Exception {
        String dataset = upload("round-trip", table(new Random(31), 40));
        String trainedId = train(spec(dataset, "tanh", 2, true));
        tools.jackson.databind.node.ObjectNode body = (tools.jackson.databind.node.ObjectNode)
                http.get("/models/" + trainedId).expect(200);
        body.remove("id");
        assertThat(body.get("jobId").isNull())
                .as("a trained model names its job")
                .isFalse();

        JsonNode imported = http.post("/models", body.toString()).expect(201);

        String importedId = imported.get("id").asString();
        assertThat(importedId).isNotEqualTo(trainedId);
        assertThat(imported.get("jobId").isNull()).isTrue();
        assertThat(imported.at("/lineage/imported").asBoolean()).isTrue();
        assertThat(imported.get("createdAt").asString())
                .isNotEqualTo(body.get("createdAt").asString());
        double[][] x = column(table(new Random(32), 5), 0, 3);
        assertThat(http.post("/models/" + importedId + "/predictions", Map.of("x", x))
                        .expect(200)
                        .get("y"))
                .isEqualTo(http.post("/models/" + trainedId + "/predictions", Map.of("x", x))
                        .expect(200)
                        .get("y"));
        body.put("id", importedId);
        assertThat(problem(http.post("/models", body.toString())).toString()).contains("id");
    }

    /**
     * What the service assigns is ignored on import whatever it holds: a document written by another
     * version (a lineage with a part this one does not know, or without {@code imported}) imports too.
     */
    @Test
    void whatTheServiceAssignsIsIgnoredOnImportWhateverItHolds() {
        String model = """
                {"layerSizes": [1, 1], "activation": "none", "bias": false,
                 "preprocessing": {"basisDegree": 1, "normalize": false}, "weights": {"W0": [[2.0]]},
                 "jobId": "elsewhere", "owner": "someone", "createdAt": "%s", "lineage": %s}""";
        for (String[] sent : new String[][] {
            {"2026-01-01T00:00:00Z", "{\"jobId\": \"j\", \"imported\": false, \"gpu\": \"h100\"}"},
            {"2026-01-01T00:00:00Z", "{}"},
            {"yesterday", "{\"spec\": {\"layers\": [3]}, \"trainingSeconds\": \"long\"}"},
        }) {
            Http.Response imported = http.post("/models", model.formatted(sent[0], sent[1]));
            assertThat(imported.status()).as(imported.text()).isEqualTo(201);
            JsonNode body = imported.json();
            assertThat(body.get("jobId").isNull()).isTrue();
            assertThat(body.at("/lineage/imported").asBoolean()).isTrue();
            assertThat(body.at("/lineage/jobId").isNull()).isTrue();
            assertThat(body.get("owner").asString()).isNotEqualTo("someone");
        }
    }

    /**
     * An alias set while its model is deleted: one of the two must lose. Both won on H2 (the aliases'
     * foreign key sees no uncommitted delete, the delete no uncommitted alias), leaving an alias that
     * points at nothing: its predictions a 404, its model gone though the alias was answered 200.
     */
    @Test
    void anAliasSetWhileItsModelIsDeletedNeverPointsAtNothing() throws Exception {
        String model = """
                {"layerSizes": [1, 1], "activation": "none", "bias": false, "weights": {"W0": [[2.0]]}}""";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 60; round++) {
                String id = http.post("/models", model).expect(201).get("id").asString();
                String alias = "crossing-" + UUID.randomUUID().toString().substring(0, 8);
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                var put = pool.submit(() -> {
                    start.await();
                    return http.send("PUT", "/aliases/" + alias, "application/json", "{\"modelId\": \"" + id + "\"}")
                            .status();
                });
                var delete = pool.submit(() -> {
                    start.await();
                    return http.delete("/models/" + id).status();
                });
                int putStatus = put.get();
                int deleteStatus = delete.get();

                assertThat(List.of(putStatus, deleteStatus))
                        .as("round %d: PUT alias, DELETE model", round)
                        .isIn(List.of(200, 409), List.of(400, 204));
                if (putStatus == 200) {
                    http.get("/models/" + id).expect(200);
                    http.post("/aliases/" + alias + "/predictions", Map.of("x", new double[][] {{1}}))
                            .expect(200);
                    http.delete("/aliases/" + alias).expect(204);
                }
                http.delete("/models/" + id);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- ONNX

    @Test
    void theOnnxDownloadRunsInOnnxRuntimeAndMatchesPredictionsOverHttp() throws Exception {
        String dataset = upload("onnx-data", table(new Random(21), 50));
        String modelId = train(spec(dataset, "tanh", 3, true));
        double[][] x = column(table(new Random(22), 40), 0, 3);

        Http.Response byAccept = http.get("/models/" + modelId, "application/onnx");
        Http.Response byFormat = http.get("/models/" + modelId + "?format=onnx");
        JsonNode predicted =
                http.post("/models/" + modelId + "/predictions", Map.of("x", x)).expect(200);

        assertThat(byAccept.status()).isEqualTo(200);
        assertThat(byAccept.contentType()).startsWith("application/onnx");
        assertThat(byFormat.body()).isEqualTo(byAccept.body());
        try (OnnxRuntimeCheck onnx = new OnnxRuntimeCheck(byAccept.body())) {
            onnx.hasInterface(3, 1);
            OnnxRuntimeCheck.assertClose(
                    onnx.predict(x),
                    Http.JSON.treeToValue(predicted.get("y"), double[][].class),
                    "ONNX vs POST /predictions");
            String jobId = http.get("/models/" + modelId).json().get("jobId").asString();
            assertThat(onnx.metadata())
                    .containsEntry("trainyard.modelId", modelId)
                    .containsEntry("trainyard.lineage.jobId", jobId)
                    .containsEntry("trainyard.lineage.datasetId", dataset)
                    .containsKey("trainyard.lineage.dataDigest")
                    .containsKey("trainyard.lineage.spec");
        }
        assertThat(http.get("/models/" + modelId).contentType()).startsWith("application/json");
        assertThat(http.get("/models/" + modelId, "application/json, application/onnx;q=0.5")
                        .contentType())
                .startsWith("application/json");
        JsonNode problem = http.get("/models/" + modelId + "?format=xml").expect(400);
        assertThat(problem.get("detail").asString()).contains("json").contains("onnx");
    }

    // ---------------------------------------------------------------- aliases

    @Test
    void anAliasPointsAtAModelPredictsWithItAndKeepsEveryChange() {
        String first =
                http.post("/models", linearModel(null)).expect(201).get("id").asString();
        Map<String, Object> second = linearModel(null);
        second.put("biases", Map.of("b0", new double[] {100.0}));
        String secondId = http.post("/models", second).expect(201).get("id").asString();
        String name = "production-" + System.nanoTime();

        JsonNode created = put("/aliases/" + name, Map.of("modelId", first)).expect(200);
        assertThat(created.get("name").asString()).isEqualTo(name);
        assertThat(created.get("modelId").asString()).isEqualTo(first);
        assertThat(created.get("updatedAt").asString()).isNotBlank();
        JsonNode before = http.post("/aliases/" + name + "/predictions", Map.of("x", new double[][] {{1, 2}}))
                .expect(200);
        assertThat(before.at("/y/0/0").asDouble()).isEqualTo(2 * 1 - 2 + 0.5);

        put("/aliases/" + name, Map.of("modelId", secondId)).expect(200);

        assertThat(http.get("/aliases/" + name).expect(200).get("modelId").asString())
                .isEqualTo(secondId);
        JsonNode after = http.post("/aliases/" + name + "/predictions", Map.of("x", new double[][] {{1, 2}}))
                .expect(200);
        assertThat(after.at("/y/0/0").asDouble()).isEqualTo(2 * 1 - 2 + 100.0);
        assertThat(http.get("/aliases").expect(200).get("items"))
                .anySatisfy(alias -> assertThat(alias.get("name").asString()).isEqualTo(name));
        JsonNode history = http.get("/aliases/" + name + "/history").expect(200).get("items");
        assertThat(history).hasSize(2);
        assertThat(history.at("/0/modelId").asString()).isEqualTo(secondId);
        assertThat(history.at("/0/previousModelId").asString()).isEqualTo(first);
        assertThat(history.at("/0/by").asString())
                .as("the key that made the change")
                .isEqualTo("admin");
        assertThat(history.at("/1/modelId").asString()).isEqualTo(first);
        assertThat(history.at("/1/previousModelId").isNull()).isTrue();

        JsonNode refused = http.delete("/models/" + secondId).expect(409);
        assertThat(refused.get("detail").asString()).contains(name);
        assertThat(http.get("/models/" + secondId).status()).isEqualTo(200);

        http.delete("/aliases/" + name).expect(204);

        assertThat(http.get("/aliases/" + name).status()).isEqualTo(404);
        JsonNode kept = http.get("/aliases/" + name + "/history").expect(200).get("items");
        assertThat(kept).hasSize(3);
        assertThat(kept.at("/0/modelId").isNull()).isTrue();
        assertThat(kept.at("/0/previousModelId").asString()).isEqualTo(secondId);
        http.delete("/models/" + secondId).expect(204);
    }

    @Test
    void anAdminSeesAndChangesEveryOwnersAliasesWithTheOwnerParameter() {
        Http alice = newUser("alice");
        String first =
                alice.post("/models", linearModel(null)).expect(201).get("id").asString();
        String second =
                alice.post("/models", linearModel(null)).expect(201).get("id").asString();
        String name = "prod-" + UUID.randomUUID().toString().substring(0, 8);
        String owner = alice.get("/keys/me").expect(200).get("name").asString();
        alice.send("PUT", "/aliases/" + name, "application/json", "{\"modelId\": \"" + first + "\"}")
                .expect(200);

        // Every owner's in the admin's list; one owner's with ?owner=; the admin's own name is another alias.
        assertThat(http.get("/aliases").expect(200).get("items"))
                .anySatisfy(alias -> assertThat(alias.get("owner").asString() + "/"
                                + alias.get("name").asString())
                        .isEqualTo(owner + "/" + name));
        assertThat(http.get("/aliases?owner=" + owner).expect(200).get("items"))
                .singleElement()
                .satisfies(alias -> assertThat(alias.get("modelId").asString()).isEqualTo(first));
        assertThat(http.get("/aliases/" + name).status()).isEqualTo(404);
        assertThat(http.get("/aliases/" + name + "?owner=" + owner)
                        .expect(200)
                        .get("owner")
                        .asString())
                .isEqualTo(owner);

        // Moved for the owner, to the owner's model only; the history says who moved it.
        String admins =
                http.post("/models", linearModel(null)).expect(201).get("id").asString();
        JsonNode notTheOwners = problem(put("/aliases/" + name + "?owner=" + owner, Map.of("modelId", admins)));
        // Not "there is no model": the admin can read it; it is just not the alias owner's to use.
        assertThat(notTheOwners.at("/errors/0/message").asString())
                .contains("is admin's")
                .contains("a model of " + owner + "'s");
        put("/aliases/" + name + "?owner=" + owner, Map.of("modelId", second)).expect(200);
        assertThat(alice.get("/aliases/" + name).expect(200).get("modelId").asString())
                .isEqualTo(second);
        assertThat(alice.get("/aliases/" + name + "/history")
                        .expect(200)
                        .at("/items/0/by")
                        .asString())
                .isEqualTo("admin");

        // A user key lists its own; naming another owner, in a list or on an alias, is a 400 and never
        // falls back to its own (a DELETE ?owner=bob used to delete the caller's alias).
        assertThat(alice.get("/aliases").expect(200).get("items")).hasSize(1);
        assertThat(alice.get("/aliases?owner=" + owner).expect(200).get("items"))
                .hasSize(1);
        assertThat(alice.get("/aliases?owner=admin").status()).isEqualTo(400);
        Http.Response notYours = alice.delete("/aliases/" + name + "?owner=admin");
        assertThat(notYours.status()).as(notYours.text()).isEqualTo(400);
        assertThat(alice.get("/aliases/" + name).status()).as("still there").isEqualTo(200);
        assertThat(alice.get("/aliases/" + name + "?owner=" + owner).status())
                .as("its own name is fine")
                .isEqualTo(200);
        http.delete("/aliases/" + name + "?owner=" + owner).expect(204);
        assertThat(alice.get("/aliases/" + name).status()).isEqualTo(404);
    }

    @Test
    void aModelAnotherOwnersAliasPointsToIsInUseWithoutNamingThatAlias() {
        Http alice = newUser("alice");
        String model =
                alice.post("/models", linearModel(null)).expect(201).get("id").asString();
        String adminsAlias = "prod-" + UUID.randomUUID().toString().substring(0, 8);
        put("/aliases/" + adminsAlias, Map.of("modelId", model)).expect(200);
        String adminsOther = "staging-" + UUID.randomUUID().toString().substring(0, 8);
        put("/aliases/" + adminsOther, Map.of("modelId", model)).expect(200);
        String alicesAlias = "alices-" + UUID.randomUUID().toString().substring(0, 8);
        alice.send("PUT", "/aliases/" + alicesAlias, "application/json", "{\"modelId\": \"" + model + "\"}")
                .expect(200);

        String detail =
                alice.delete("/models/" + model).expect(409).get("detail").asString();

        assertThat(detail)
                .contains(
                        "your alias '" + alicesAlias + "'", "2 aliases of other owners", "only their owner or an admin")
                .doesNotContain(adminsAlias, adminsOther);
        alice.delete("/aliases/" + alicesAlias).expect(204);
        assertThat(alice.delete("/models/" + model).expect(409).get("detail").asString())
                .contains("2 aliases of other owners")
                .doesNotContain("your alias");
        http.delete("/aliases/" + adminsAlias).expect(204);
        http.delete("/aliases/" + adminsOther).expect(204);
        assertThat(alice.delete("/models/" + model).status()).isEqualTo(204);
    }

    // ---------------------------------------------------------------- the model cache

    @Test
    void aCachedModelIsStillOnlyItsOwnersAndADeletedOneIsGoneAtOnce() {
        Http alice = newUser("alice");
        Http bob = newUser("bob");
        String id =
                alice.post("/models", linearModel(null)).expect(201).get("id").asString();
        Map<String, Object> x = Map.of("x", new double[][] {{1, 2}, {3, -1}});
        String path = "/models/" + id + "/predictions";

        // Alice's first request reads the model from the database and leaves it decoded in the cache,
        // so every request after it, Bob's included, meets the cached model.
        JsonNode first = alice.post(path, x).expect(200);
        JsonNode cached = alice.post(path, x).expect(200);
        assertThat(first.get("y")).isEqualTo(cached.get("y"));
        assertThat(Http.JSON.treeToValue(cached.get("y"), double[][].class)).isEqualTo(new double[][] {
            {2 * 1 - 2 + 0.5}, {2 * 3 + 1 + 0.5}
        });

        String unknown = UUID.randomUUID().toString();
        Http.Response stolen = bob.post(path, x);
        Http.Response never = bob.post("/models/" + unknown + "/predictions", x);
        assertThat(stolen.status()).isEqualTo(404);
        assertThat(stolen.contentType()).startsWith("application/problem+json");
        assertThat(stolen.text().replace(id, "ID")).isEqualTo(never.text().replace(unknown, "ID"));
        assertThat(bob.get("/models/" + id).status()).isEqualTo(404);
        assertThat(bob.get("/models/" + id + "?format=onnx").status()).isEqualTo(404);
        assertThat(bob.post(path, "text/csv", "a,b\n1,2\n").status()).isEqualTo(404);
        assertThat(bob.send("PUT", "/aliases/bobs", "application/json", "{\"modelId\": \"" + id + "\"}")
                        .status())
                .isEqualTo(400);
        assertThat(bob.delete("/models/" + id).status()).isEqualTo(404);
        // Bob's refusals neither removed the model nor changed what Alice gets.
        assertThat(alice.post(path, x).expect(200).get("y")).isEqualTo(first.get("y"));

        alice.delete("/models/" + id).expect(204);

        assertThat(alice.post(path, x).status()).isEqualTo(404);
        assertThat(alice.get("/models/" + id).status()).isEqualTo(404);
        assertThat(http.get("/models/" + id).status()).as("for an admin too").isEqualTo(404);
        assertThat(alice.post(path, "text/csv", "a,b\n1,2\n").status()).isEqualTo(404);
    }

    @Test
    void aJobWhoseModelIsDeletedNoLongerNamesIt() {
        String modelId = train(spec("hw5", "sigmoid", 1, false));
        String jobId = http.get("/models/" + modelId).expect(200).get("jobId").asString();
        // Read twice: the finished job's answer is cached, and the delete must reach the cache too.
        assertThat(http.get("/jobs/" + jobId).expect(200).get("modelId").asString())
                .isEqualTo(modelId);
        assertThat(http.get("/jobs/" + jobId).expect(200).get("modelId").asString())
                .isEqualTo(modelId);

        http.delete("/models/" + modelId).expect(204);

        JsonNode job = http.get("/jobs/" + jobId).expect(200);
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("modelId").isNull()).as("GET /jobs/{id}").isTrue();
        JsonNode listed = http.get("/jobs?name=" + job.get("name").asString().replace(" ", "%20") + "&limit=100")
                .expect(200);
        assertThat(listed.get("items")
                        .valueStream()
                        .filter(item -> item.get("id").asString().equals(jobId))
                        .map(item -> item.get("modelId").isNull())
                        .toList())
                .as("GET /jobs")
                .containsExactly(true);
    }

    /**
     * A model is a queued or running job's starting weights, as a data set is its data: deleting it is
     * a 409 naming the jobs (and their sweep) until they are cancelled or finish, not a 204 that leaves
     * them to fail with missing-input (audit item 8). Two workers, three jobs: one is still queued.
     */
    @Test
    void aModelThatQueuedOrRunningJobsWarmStartFromIsInUseUntilTheyStop() {
        String model = http.post("/models", wideModel()).expect(201).get("id").asString();
        String job = http.post("/jobs", warmSpec(model)).expect(202).get("id").asString();
        Map<String, Object> base = warmSpec(model);
        base.put("validationFraction", 0.2);
        JsonNode sweep = http.post("/sweeps", Map.of("base", base, "grid", Map.of("alpha", List.of(1e-9, 2e-9))))
                .expect(202);
        String sweepId = sweep.get("id").asString();
        List<String> jobs = new java.util.ArrayList<>(List.of(job));
        sweep.get("leaderboard").forEach(entry -> jobs.add(entry.get("jobId").asString()));

        Http.Response refused = http.delete("/models/" + model);

        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.expect(409).get("detail").asString())
                .contains("3 queued or running jobs " + jobs)
                .contains("members of sweep " + sweepId)
                .contains("POST /jobs/{id}/cancel", "POST /sweeps/{id}/cancel");
        assertThat(http.get("/models/" + model).status()).isEqualTo(200);
        assertThat(jobs)
                .allSatisfy(id -> assertThat(http.get("/jobs/" + id)
                                .expect(200)
                                .get("status")
                                .asString())
                        .isIn("QUEUED", "RUNNING"));

        http.post("/jobs/" + job + "/cancel", "").expect(202);
        http.post("/sweeps/" + sweepId + "/cancel", "").expect(202);
        await().atMost(TRAINING)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> jobs.stream()
                        .allMatch(id -> http.get("/jobs/" + id)
                                .json()
                                .get("status")
                                .asString()
                                .equals("CANCELLED")));

        http.delete("/models/" + model).expect(204);
        JsonNode late = problem(http.post("/jobs", warmSpec(model)));
        assertThat(late.at("/errors/0/field").asString()).isEqualTo("warmStartModel");
    }

    /** A [5, 64, 64, 1] sigmoid network without bias, fitting hw5's five inputs: slow to train for long. */
    private static Map<String, Object> wideModel() {
        Random random = new Random(3);
        double[][] w0 = new double[5][64];
        double[][] w1 = new double[64][64];
        double[][] w2 = new double[64][1];
        for (double[][] w : List.of(w0, w1, w2)) {
            for (double[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 0.1 * random.nextGaussian();
                }
            }
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("layerSizes", List.of(5, 64, 64, 1));
        model.put("activation", "sigmoid");
        model.put("bias", false);
        model.put("preprocessing", Map.of("basisDegree", 1, "normalize", false));
        model.put("weights", Map.of("W0", w0, "W1", w1, "W2", w2));
        return model;
    }

    /** A million iterations from {@code model}'s weights: still queued or running when the test acts. */
    private static Map<String, Object> warmSpec(String model) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dataset", "hw5");
        spec.put("layers", List.of(64, 64));
        spec.put("activation", "sigmoid");
        spec.put("bias", false);
        spec.put("normalize", false);
        spec.put("alpha", 1e-9);
        spec.put("iterations", 1_000_000);
        spec.put("seed", 1);
        spec.put("warmStartModel", model);
        return spec;
    }

    @Test
    void badAliasRequestsAreExplained() {
        String model =
                http.post("/models", linearModel(null)).expect(201).get("id").asString();

        assertThat(put("/aliases/bad%20name", Map.of("modelId", model))
                        .expect(400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("name");
        assertThat(put("/aliases/" + "a".repeat(65), Map.of("modelId", model)).status())
                .isEqualTo(400);
        assertThat(put("/aliases/-leading", Map.of("modelId", model)).status()).isEqualTo(400);
        JsonNode unknownModel =
                put("/aliases/staging", Map.of("modelId", "no-such-model")).expect(400);
        assertThat(unknownModel.at("/errors/0/field").asString()).isEqualTo("modelId");
        assertThat(put("/aliases/staging", Map.of())
                        .expect(400)
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("modelId");
        assertThat(http.get("/aliases/never-set").expect(404).get("type").asString())
                .endsWith("not-found");
        assertThat(http.get("/aliases/never-set/history").status()).isEqualTo(404);
        assertThat(http.delete("/aliases/never-set").status()).isEqualTo(404);
        assertThat(http.post("/aliases/never-set/predictions", Map.of("x", new double[][] {{1, 2}}))
                        .status())
                .isEqualTo(404);
    }

    // ---------------------------------------------------------------- CSV predictions

    @Test
    void aHundredThousandRowCsvRoundTripsMatchedByColumnName() throws Exception {
        String model = http.post("/models", linearModel(List.of("a", "b")))
                .expect(201)
                .get("id")
                .asString();
        int rows = 100_000;
        StringBuilder csv = new StringBuilder("b,ignored,a\n");
        Random random = new Random(5);
        double[][] x = new double[rows][2];
        for (int r = 0; r < rows; r++) {
            x[r][0] = random.nextGaussian();
            x[r][1] = random.nextGaussian();
            csv.append(x[r][1]).append(",zzz,").append(x[r][0]).append('\n');
        }

        Http.Response response = http.post("/models/" + model + "/predictions", "text/csv", csv.toString());

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/csv");
        String[] lines = response.text().split("\n");
        assertThat(lines).hasSize(rows + 1);
        assertThat(lines[0]).isEqualTo("a,b,y");
        for (int r = 0; r < rows; r++) {
            String[] cells = lines[r + 1].split(",");
            assertThat(Double.parseDouble(cells[0])).isEqualTo(x[r][0]);
            assertThat(Double.parseDouble(cells[1])).isEqualTo(x[r][1]);
            // exact up to the rounding order of the product implementation in use (BLAS may fuse multiply-adds)
            double expected = 2 * x[r][0] - x[r][1] + 0.5;
            assertThat(Double.parseDouble(cells[2]))
                    .as("row %d", r)
                    .isCloseTo(
                            expected, org.assertj.core.api.Assertions.within(1e-12 * Math.max(1, Math.abs(expected))));
        }
    }

    @Test
    void csvColumnsAreTakenInOrderWhenTheHeaderDoesNotNameThem() {
        String model =
                http.post("/models", linearModel(null)).expect(201).get("id").asString();

        Http.Response response = http.post("/models/" + model + "/predictions", "text/csv", "p,q\n1,2\n3,4\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("p,q,y\n1,2,0.5\n3,4,2.5\n");
    }

    @Test
    void aCsvHeaderNamingInputsAtOtherPositionsIsA400NotASwappedPrediction() {
        String path = predictionsOfLinearModel(List.of("a", "b"));

        // Taken in order this fed b's value to input a: a different number, answered 200.
        JsonNode swapped = problem(http.post(path, "text/csv", "b,A\n2,1\n"));

        assertThat(swapped.at("/errors/0/field").asString()).isEqualTo("line 1");
        assertThat(swapped.at("/errors/0/message").asString())
                .contains("column 1 is named 'b' but would be taken as input 'a'", "lacks input 'a'");
        // names that agree with their positions, or name no input, are still taken in order
        assertThat(http.post(path, "text/csv", "A,B\n1,2\n").text()).isEqualTo("A,B,y\n1,2,0.5\n");
        assertThat(http.post(path, "text/csv", "p,q\n1,2\n").text()).isEqualTo("p,q,y\n1,2,0.5\n");
    }

    @Test
    void aModelTrainedOnNumericColumnNamesTakesCsvWithThoseNames() {
        StringBuilder file = new StringBuilder("0,1,2\n");
        for (int r = 0; r < 20; r++) {
            file.append(r % 7)
                    .append(',')
                    .append(r % 3)
                    .append(',')
                    .append(r % 5)
                    .append('\n');
        }
        String dataset = http.post("/datasets?name=numeric-names", "text/csv", file.toString())
                .expect(201)
                .get("id")
                .asString();
        String model = train(spec(dataset, "tanh", 1, false));
        String path = "/models/" + model + "/predictions";
        double[] y = new double[2];
        JsonNode json =
                http.post(path, Map.of("x", new double[][] {{3, 1}, {6, 2}})).expect(200);
        y[0] = json.at("/y/0/0").asDouble();
        y[1] = json.at("/y/1/0").asDouble();

        // the header is the model's own input names, matched by name even in another order
        Http.Response csv = http.post(path, "text/csv", "1,0\n1,3\n2,6\n");

        assertThat(csv.status()).as(csv.text()).isEqualTo(200);
        assertThat(csv.text()).isEqualTo("0,1,2\n3,1," + y[0] + "\n6,2," + y[1] + "\n");
        // the training file itself, target column included
        assertThat(http.post(path, "text/csv", file.toString()).status()).isEqualTo(200);
        // numbers that are not its names are still a first data row without a header
        assertThat(problem(http.post(path, "text/csv", "5,6\n1,2\n"))
                        .at("/errors/0/message")
                        .asString())
                .contains("holds only numbers");
    }

    @Test
    void csvHeadersAreCheckedLikeAnUploadsForQuotesAfterAByteOrderMarkLengthAndMissingRows() {
        String path = predictionsOfLinearModel(List.of("a", "b"));

        assertThat(http.post(path, "text/csv", "\uFEFF\"a\",\"b\",\"y\"\r\n1,2,9\r\n")
                        .text())
                .isEqualTo("a,b,y\n1,2,0.5\n");
        JsonNode tooLong = problem(http.post(path, "text/csv", "a,b," + "n".repeat(201) + "\n1,2,3\n"));
        assertThat(tooLong.at("/errors/0/field").asString()).isEqualTo("line 1, column 3");
        assertThat(tooLong.at("/errors/0/message").asString()).contains("201 characters");
        // as an upload of the same file, and as JSON's {"x": []}
        JsonNode headerOnly = problem(http.post(path, "text/csv", "a,b\n"));
        assertThat(headerOnly.at("/errors/0/field").asString()).isEqualTo("line 2");
        assertThat(headerOnly.at("/errors/0/message").asString()).contains("header but no data rows");
    }

    @Test
    void csvPredictionsReadApplicationCsvAsUploadsDo() {
        String model = http.post("/models", linearModel(List.of("a", "b")))
                .expect(201)
                .get("id")
                .asString();
        String alias = "csv-" + System.nanoTime();
        put("/aliases/" + alias, Map.of("modelId", model)).expect(200);

        for (String path : List.of("/models/" + model + "/predictions", "/aliases/" + alias + "/predictions")) {
            Http.Response response = http.post(path, "application/csv", "b,a\n2,1\n");
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.contentType()).as(path).startsWith("text/csv");
            assertThat(response.text()).as(path).isEqualTo("a,b,y\n1,2,0.5\n");
        }
    }

    @Test
    void badCsvCellsAre400sNamingLineAndColumn() {
        String path = predictionsOfLinearModel(List.of("a", "b"));

        JsonNode badCell = problem(http.post(path, "text/csv", "a,b\n1,2\n3,x\n"));
        assertThat(badCell.at("/errors/0/field").asString()).isEqualTo("line 3, column 2 (b)");
        assertThat(badCell.at("/errors/0/message").asString()).contains("'x'");
        assertThat(problem(http.post(path, "text/csv", "a,b\n1,2\n3\n"))
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("line 3");
        assertThat(problem(http.post(path, "text/csv", "a,b\n1,NaN\n"))
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("line 2, column 2 (b)");
        assertThat(problem(http.post(path, "text/csv", "1,2\n3,4\n"))
                        .at("/errors/0/message")
                        .asString())
                .contains("header");
        assertThat(problem(http.post(path, "text/csv", "p,q,r\n1,2,3\n"))
                        .at("/errors/0/message")
                        .asString())
                .contains("3 columns", "2 inputs", "[a, b]");
        assertThat(problem(http.post(path, "text/csv", ""))
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("body");
        // Broken quoting: the parser's words and line, not the name of its exception class.
        assertThat(problem(http.post(path, "text/csv", "a,b\n\"1,2\n3,4\n"))
                        .get("detail")
                        .asString())
                .contains("not valid CSV", "line 2")
                .doesNotContain("org.apache", "Exception");
    }

    /**
     * Hostile imported files: a model far deeper than any job may train used to reach the store and
     * fail there (500), and a loss of "NaN" was stored and answered as a string where a number
     * belongs. Finite weights can still overflow on finite inputs: neither answer may say Infinity.
     */
    @Test
    void hostileModelFilesAndOverflowingPredictionsAre400s() {
        Map<String, Object> deep = new LinkedHashMap<>();
        Map<String, Object> weights = new LinkedHashMap<>();
        int hiddenLayers = 5_000;
        for (int l = 0; l <= hiddenLayers; l++) {
            weights.put("W" + l, new double[][] {{1.0}});
        }
        deep.put("layerSizes", Collections.nCopies(hiddenLayers + 2, 1));
        deep.put("activation", "tanh");
        deep.put("weights", weights);
        assertThat(problem(http.post("/models", deep)).at("/errors/0/message").asString())
                .contains("5000 hidden layers");

        Map<String, Object> nanLoss = linearModel(null);
        nanLoss.put("trainLoss", "NaN");
        assertThat(problem(http.post("/models", nanLoss)).at("/errors/0/field").asString())
                .isEqualTo("trainLoss");

        Map<String, Object> huge = linearModel(List.of("a", "b"));
        huge.put("weights", Map.of("W0", new double[][] {{1e300}, {1}}));
        String model = http.post("/models", huge).expect(201).get("id").asString();
        String path = "/models/" + model + "/predictions";
        assertThat(http.post(path, Map.of("x", new double[][] {{1e-300, 0}}))
                        .expect(200)
                        .at("/y/0/0")
                        .asDouble())
                .isCloseTo(1.5, within(1e-12));
        JsonNode json = problem(http.post(path, Map.of("x", new double[][] {{0, 0}, {1e10, 0}})));
        assertThat(json.at("/errors/0/field").asString()).isEqualTo("x[1]");
        assertThat(json.get("detail").asString()).contains("not a finite number");
        JsonNode csv = problem(http.post(path, "text/csv", "a,b\n0,0\n1e10,0\n"));
        assertThat(csv.at("/errors/0/field").asString()).isEqualTo("line 3");
    }

    @Test
    void aCsvBodyIsReadInTheCharsetItsContentTypeNames() {
        String model = http.post("/models", linearModel(List.of("café", "b")))
                .expect(201)
                .get("id")
                .asString();
        byte[] latin1 = "b,café\n2,1\n".getBytes(StandardCharsets.ISO_8859_1);

        Http.Response response = http.send(HttpRequest.newBuilder(http.uri("/models/" + model + "/predictions"))
                .header("Content-Type", "text/csv; charset=ISO-8859-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));

        // matched by name, so the columns swap back: y = 2·café − b + 0.5
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("café,b,y\n1,2,0.5\n");
    }

    @Test
    void aCsvBodyThatIsNotTextInItsCharsetOrHoldsAnOverlongCellIsA400() {
        String path = predictionsOfLinearModel(List.of("a", "b"));
        // 0xFF is never UTF-8: read leniently it became U+FFFD and the column "b\uFFFD" matched nothing.
        for (byte[] body : List.of(
                new byte[] {'a', ',', 'b', (byte) 0xFF, '\n', '1', ',', '2', '\n'},
                new byte[] {'a', ',', 'b', '\n', '1', ',', '2', (byte) 0xC3, '\n'})) {
            Http.Response response = http.send(HttpRequest.newBuilder(http.uri(path))
                    .header("Content-Type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("detail").asString()).contains("not text in the request's charset");
        }
        // Cells are held to a data set upload's length, before they are parsed or echoed back.
        JsonNode tooLong = problem(http.post(path, "text/csv", "a,b\n0." + "1".repeat(300) + ",2\n"));
        assertThat(tooLong.at("/errors/0/field").asString()).isEqualTo("line 2, column 1 (a)");
        assertThat(tooLong.at("/errors/0/message").asString()).contains("302 characters, more than 256");
    }

    @Test
    void aReluModelWhoseHiddenUnitOverflowsToNanAnswersA400NotAMadeUpNumber() {
        // x² of 1e200 is infinite, ∞·0 is NaN: relu must keep the NaN (as ONNX's Relu does), not make it 0
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("layerSizes", List.of(2, 1, 1));
        model.put("activation", "relu");
        model.put("bias", true);
        model.put("preprocessing", Map.of("basisDegree", 2, "normalize", false));
        model.put("weights", Map.of("W0", new double[][] {{1.0}, {0.0}}, "W1", new double[][] {{1.0}}));
        model.put("biases", Map.of("b0", new double[] {0.0}, "b1", new double[] {5.0}));
        String path =
                "/models/" + http.post("/models", model).expect(201).get("id").asString() + "/predictions";

        assertThat(http.post(path, Map.of("x", new double[][] {{2.0}}))
                        .expect(200)
                        .at("/y/0/0")
                        .asDouble())
                .isEqualTo(7.0);
        JsonNode refused = problem(http.post(path, Map.of("x", new double[][] {{2.0}, {1e200}})));
        assertThat(refused.at("/errors/0/field").asString()).isEqualTo("x[1]");
        assertThat(problem(http.post(path, "text/csv", "a\n2\n1e200\n"))
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("line 3");
    }

    @Test
    void aBadRowFarIntoALongCsvBodyIsStillA400BeforeAnythingIsAnswered() {
        String path = "/models/"
                + http.post("/models", linearModel(null)).expect(201).get("id").asString() + "/predictions";
        StringBuilder csv = new StringBuilder("p,q\n");
        for (int r = 0; r < 60_000; r++) { // about two chunks of two-column rows
            csv.append(r == 50_000 ? "oops" : Integer.toString(r)).append(",1\n");
        }

        JsonNode refused = problem(http.post(path, "text/csv", csv.toString()));

        assertThat(refused.at("/errors/0/field").asString()).isEqualTo("line 50002, column 1 (p)");
    }

    @Test
    void anOverflowAfterTheAnswerStartedCutsTheResponseInsteadOfEndingItAsComplete(CapturedOutput output)
            throws Exception {
        String model =
                http.post("/models", linearModel(null)).expect(201).get("id").asString();
        StringBuilder csv = new StringBuilder("p,q\n");
        for (int r = 0; r < 60_000; r++) { // y = 2p − q + 0.5: 1e308 is a number, its prediction is not
            csv.append(r == 50_000 ? "1e308" : Integer.toString(r)).append(",1\n");
        }
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/models/" + model + "/predictions"))
                .header("Content-Type", "text/csv")
                .header("Authorization", "Bearer " + io.trainyard.support.Http.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                .build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        // One line for it, and no container stack trace: any client can send such a file, any number of times.
        assertThat(output.getAll()).contains("Response cut short: CSV prediction for model " + model);
        assertThat(output.getAll()).doesNotContain("Servlet.service() for servlet [dispatcherServlet]");
    }

    @Test
    void swaggerDocumentsTheNewOperationsAndMediaTypes() {
        JsonNode paths = http.get("/v3/api-docs").expect(200).get("paths");

        assertThat(paths.at("/~1models~1{id}/get/responses/200/content").propertyNames())
                .contains("application/json", "application/onnx");
        assertThat(paths.at("/~1models~1{id}~1predictions/post/requestBody/content")
                        .propertyNames())
                .contains("application/json", "text/csv", "application/csv");
        assertThat(paths.get("/aliases/{name}").propertyNames()).contains("get", "put", "delete");
        assertThat(paths.has("/aliases")).isTrue();
        assertThat(paths.has("/aliases/{name}/history")).isTrue();
        assertThat(paths.at("/~1aliases~1{name}~1predictions/post/requestBody/content")
                        .propertyNames())
                .contains("application/json", "text/csv", "application/csv");
        for (String path : List.of("/aliases/{name}", "/aliases/{name}/history", "/aliases/{name}/predictions")) {
            paths.get(path)
                    .forEach(
                            operation -> assertThat(operation.get("description").asString())
                                    .as("%s description", path)
                                    .isNotBlank());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A fresh user key; its name is unique per call. */
    private Http newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String key = http.post("/keys", Map.of("name", name, "role", "user"))
                .expect(201)
                .get("key")
                .asString();
        return http.as(key);
    }

    private Http.Response put(String path, Object body) {
        return http.send("PUT", path, "application/json", Http.JSON.writeValueAsString(body));
    }

    /** The predictions URL of a new {@link #linearModel} with these input columns. */
    private String predictionsOfLinearModel(List<String> inputColumns) {
        String model = http.post("/models", linearModel(inputColumns))
                .expect(201)
                .get("id")
                .asString();
        return "/models/" + model + "/predictions";
    }

    private static JsonNode problem(Http.Response response) {
        assertThat(response.contentType()).startsWith("application/problem+json");
        return response.expect(400);
    }

    /** y = 2·x1 − x2 + 0.5 */
    private static Map<String, Object> linearModel(List<String> inputColumns) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("layerSizes", List.of(2, 1));
        model.put("activation", "none");
        model.put("bias", true);
        model.put("preprocessing", Map.of("basisDegree", 1, "normalize", false));
        model.put("weights", Map.of("W0", new double[][] {{2.0}, {-1.0}}));
        model.put("biases", Map.of("b0", new double[] {0.5}));
        if (inputColumns != null) {
            model.put("inputColumns", inputColumns);
        }
        return model;
    }

    /** Rows of three inputs and a target that depends on them. */
    private static double[][] table(Random random, int rows) {
        double[][] t = new double[rows][4];
        for (double[] row : t) {
            row[0] = Math.round(random.nextGaussian() * 1000) / 1000.0;
            row[1] = Math.round(random.nextDouble() * 4000) / 1000.0;
            row[2] = Math.round(random.nextGaussian() * 500) / 1000.0;
            row[3] = Math.sin(row[0]) + row[1] * row[2];
        }
        return t;
    }

    private static double[][] column(double[][] rows, int from, int to) {
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = java.util.Arrays.copyOfRange(rows[r], from, to);
        }
        return out;
    }

    private String upload(String name, double[][] rows) {
        StringBuilder csv = new StringBuilder("a,b,c,target\n");
        for (double[] row : rows) {
            csv.append(row[0])
                    .append(',')
                    .append(row[1])
                    .append(',')
                    .append(row[2])
                    .append(',')
                    .append(row[3])
                    .append('\n');
        }
        return http.post("/datasets?name=" + name, "text/csv", csv.toString())
                .expect(201)
                .get("id")
                .asString();
    }

    /**
     * The digest as docs/api.md defines it, computed here independently: for each training row its x
     * values then its y values, IEEE-754 big-endian doubles, SHA-256, lowercase hex.
     */
    static String sha256OfRows(double[][] rows) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        ByteBuffer buffer = ByteBuffer.allocate(8);
        for (double[] row : rows) {
            for (double v : row) {
                buffer.clear();
                digest.update(buffer.putDouble(v).array());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Map<String, Object> spec(String dataset, String activation, int degree, boolean normalize) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "models " + activation);
        spec.put("dataset", dataset);
        spec.put("layers", List.of(4));
        spec.put("activation", activation);
        spec.put("bias", true);
        spec.put("alpha", 0.001);
        spec.put("iterations", 30);
        spec.put("seed", 5);
        spec.put("basisDegree", degree);
        spec.put("normalize", normalize);
        return spec;
    }

    private String train(Map<String, Object> spec) {
        String id = http.post("/jobs", spec).expect(202).get("id").asString();
        await().atMost(TRAINING).until(() -> {
            String status = http.get("/jobs/" + id).json().get("status").asString();
            assertThat(status).isIn("QUEUED", "RUNNING", "SUCCEEDED");
            return status.equals("SUCCEEDED");
        });
        return http.get("/jobs/" + id).json().get("modelId").asString();
    }

    private JsonNode findInList(String modelId) {
        String cursor = null;
        do {
            JsonNode page = http.get("/models?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
                    .expect(200);
            for (JsonNode item : page.get("items")) {
                if (item.get("id").asString().equals(modelId)) {
                    return item;
                }
            }
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        throw new AssertionError("model " + modelId + " is not listed");
    }
}
