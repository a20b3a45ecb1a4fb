package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * Issue 12's bounded histories over real HTTP: a finished job's history past the retention keeps only
 * its coarse level, which every read then serves and names, while a running job's history is left
 * alone; the coarse level carries weight norms, so update ratios read from it are those of the full
 * history; a downsampled read asking for more points than the coarse level has gives exactly what the
 * whole history downsampled gives. The retention is a tiny {@code 100ms} here; the sweep is called
 * directly (its schedule is an hour away). Runs on H2 and on PostgreSQL.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.history-flush-interval=200ms",
            "trainyard.history.retention=100ms",
        })
abstract class HistoryRetentionContract {

    private static final Duration TRAINING = Duration.ofSeconds(90);
    private static final int ITERATIONS = 3000;

    @LocalServerPort
    int port;

    @Autowired
    HistoryRetention retention;

    @Autowired
    HistoryRepository repository;

    @Autowired
    FinishedHistories answers;

    @Autowired
    HistoryService histories;

    static Path tempDataDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFinishedJobPastTheRetentionKeepsItsCoarseLevelWhichEveryReadServesAndNames() {
        Http http = new Http(port);
        String finished = http.post(
                        "/jobs",
                        Map.of("dataset", "hw5", "alpha", 0.0005, "layers", List.of(5, 3), "iterations", ITERATIONS))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(TRAINING)
                .pollDelay(Duration.ZERO)
                .until(() -> status(http, finished).equals("SUCCEEDED"));
        inOneBatch(finished);
        JsonNode fullLosses = http.get("/jobs/" + finished + "/losses").expect(200);
        JsonNode fullGradients = http.get("/jobs/" + finished + "/gradients").expect(200);
        assertThat(fullLosses.get("iteration")).hasSize(ITERATIONS + 1);
        assertThat(fullLosses.get("resolution").asString()).isEqualTo("full");

        // Off by default: an unset property binds to "keep for ever", and such a sweep drops nothing.
        HistoryRetention.Properties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("trainyard.history", HistoryRetention.Properties.class);
        assertThat(defaults.enabled()).isFalse();
        assertThat(new HistoryRetention(repository, defaults, answers).sweep()).isZero();
        assertThat(repository.rawStats(finished, -1).points()).isEqualTo(ITERATIONS + 1);

        // A second job keeps training while the retention runs.
        String running = http.post(
                        "/jobs", Map.of("dataset", "hw5", "alpha", 1e-7, "layers", List.of(5), "iterations", 1_000_000))
                .expect(202)
                .get("id")
                .asString();
        try {
            await().atMost(TRAINING)
                    .pollDelay(Duration.ZERO)
                    .until(() -> repository.rawStats(running, -1).rows() >= 2);

            await().atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> retention.sweep() >= 0 && repository.isPruned(finished));

            assertThat(repository.rawStats(finished, -1).rows())
                    .as("full batches left")
                    .isZero();
            assertThat(repository.isPruned(running)).isFalse();
            HistoryRepository.RawStats runningRows = repository.rawStats(running, -1);
            assertThat(runningRows.rows()).isPositive();
            assertThat(runningRows.points())
                    .as("every point of the running job is still stored")
                    .isEqualTo(runningRows.firstOfLast()
                            + repository
                                    .findSince(running, runningRows.firstOfLast() - 1)
                                    .get(0)
                                    .count());
            assertThat(http.get("/jobs/" + running + "/losses?maxPoints=50")
                            .expect(200)
                            .get("resolution")
                            .asString())
                    .isEqualTo("full");
            assertThat(retention.sweep()).as("a second sweep finds nothing").isZero();

            Http.Response losses = http.get("/jobs/" + finished + "/losses");
            JsonNode coarse = losses.expect(200);
            assertThat(losses.header(HistoryController.RESOLUTION_HEADER)).isEqualTo("coarse");
            assertThat(coarse.get("resolution").asString()).isEqualTo("coarse");
            int kept = coarse.get("iteration").size();
            assertThat(kept).isBetween(3, CoarseLevel.POINTS_PER_BATCH);
            assertThat(coarse.at("/iteration/0").asInt()).isZero();
            assertThat(coarse.at("/iteration/" + (kept - 1)).asInt()).isEqualTo(ITERATIONS);
            for (int k = 0; k < kept; k++) {
                int iteration = coarse.at("/iteration/" + k).asInt();
                assertThat(coarse.at("/train/" + k).asDouble())
                        .isEqualTo(fullLosses.at("/train/" + iteration).asDouble());
                assertThat(coarse.at("/test/" + k).asDouble())
                        .isEqualTo(fullLosses.at("/test/" + iteration).asDouble());
            }
            JsonNode few = http.get("/jobs/" + finished + "/losses?maxPoints=5").expect(200);
            assertThat(few.get("iteration")).hasSize(5);
            assertThat(few.at("/iteration/4").asInt()).isEqualTo(ITERATIONS);
            assertThat(few.get("resolution").asString()).isEqualTo("coarse");
            for (JsonNode iteration : http.get("/jobs/" + finished + "/losses?since=2000")
                    .expect(200)
                    .get("iteration")) {
                assertThat(iteration.asInt()).isGreaterThan(2000);
            }

            Http.Response gradients = http.get("/jobs/" + finished + "/gradients");
            JsonNode coarseGradients = gradients.expect(200);
            assertThat(gradients.header(HistoryController.RESOLUTION_HEADER)).isEqualTo("coarse");
            assertSameRatiosAsTheFullHistory(coarseGradients, fullGradients);

            Http.Response csv = http.get("/jobs/" + finished + "/losses?format=csv");
            assertThat(csv.status()).isEqualTo(200);
            assertThat(csv.header(HistoryController.RESOLUTION_HEADER)).isEqualTo("coarse");
            assertThat(csv.text().lines()).hasSize(kept + 1).first().asString().startsWith("iteration,train");
            Http.Response png = http.get("/jobs/" + finished + "/gradients?format=png");
            assertThat(png.status()).isEqualTo(200);
            assertThat(png.contentType()).isEqualTo("image/png");
            assertThat(png.header(HistoryController.RESOLUTION_HEADER)).isEqualTo("coarse");
            assertThat(http.get("/jobs/compare?ids=" + finished + "&series=train")
                            .expect(200)
                            .at("/jobs/0/iteration")
                            .size())
                    .isEqualTo(kept);
        } finally {
            http.post("/jobs/" + running + "/cancel", "");
            await().atMost(TRAINING)
                    .pollDelay(Duration.ZERO)
                    .until(() -> status(http, running).equals("CANCELLED"));
        }

        // Cancelled, the second job is finished too: its full batches go at the next sweep, and the
        // stored bytes (what quotas count) drop by exactly theirs. Nothing else writes meanwhile.
        long rawBytes = repository.findSince(running, -1).stream()
                .mapToLong(chunk -> 8L
                        * (chunk.train().length
                                + (chunk.test() == null ? 0 : chunk.test().length)
                                + chunk.gradientNorms().length
                                + chunk.weightNorms().length))
                .sum();
        long storedBefore = repository.storedBytes();
        await().atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> retention.sweep() >= 0 && repository.isPruned(running));
        assertThat(rawBytes).isPositive();
        assertThat(storedBefore - repository.storedBytes()).isEqualTo(rawBytes);
        assertThat(http.get("/jobs/" + running + "/losses")
                        .expect(200)
                        .get("resolution")
                        .asString())
                .isEqualTo("coarse");
    }

    /**
     * A model restored to early stopping's best point holds that point's losses, and the sweep
     * leaderboard reads them from the history: pruning keeps that point in the coarse level even
     * where the level's own choice (the shape of the train loss and of the gradients) left it out.
     */
    @Test
    void pruningKeepsEarlyStoppingsBestPoint() {
        Http http = new Http(port);
        Map<String, Object> spec = new HashMap<>();
        spec.put("dataset", "hw5");
        spec.put("layers", List.of(50));
        spec.put("activation", "tanh");
        spec.put("normalize", true);
        spec.put("scale", 0.5);
        spec.put("alpha", 0.01);
        spec.put("seed", 7);
        spec.put("iterations", 400);
        spec.put("validationFraction", 0.25);
        spec.put("optimizer", Map.of("type", "adam"));
        spec.put("batchSize", 16);
        spec.put("earlyStopping", Map.of("patience", 400));
        String id = http.post("/jobs", spec).expect(202).get("id").asString();
        await().atMost(TRAINING)
                .pollDelay(Duration.ZERO)
                .until(() -> status(http, id).equals("SUCCEEDED"));
        int best = http.get("/jobs/" + id).expect(200).get("bestIteration").asInt();
        // The coarse level keeps validation's lowest point, which is early stopping's best as training
        // leaves it: a lower validation loss elsewhere is what takes it out of the level's own choice.
        HistoryChunk whole = inOneBatch(id, validation -> {
            int elsewhere = best < validation.length / 2 ? validation.length - 2 : 1;
            validation[elsewhere] = validation[best] / 2;
        });
        assertThat(CoarseLevel.of(whole).iterations())
                .as("the coarse level alone leaves out the best point (else this test shows nothing)")
                .doesNotContain(best);
        LossPoint before = histories.lossesAt(id, best).orElseThrow();
        assertThat(before.validation()).isEqualTo(whole.validation()[best]);

        await().atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> retention.sweep() >= 0 && repository.isPruned(id));

        assertThat(repository.rawStats(id, -1).rows()).isZero();
        assertThat(histories.lossesAt(id, best)).contains(before);
        JsonNode coarse = http.get("/jobs/" + id + "/losses").expect(200);
        assertThat(coarse.get("resolution").asString()).isEqualTo("coarse");
        List<Integer> iterations = new ArrayList<>();
        coarse.get("iteration").forEach(i -> iterations.add(i.asInt()));
        assertThat(iterations).contains(best).isSorted();
        assertThat(coarse.at("/validation/" + iterations.indexOf(best)).asDouble())
                .isEqualTo(whole.validation()[best]);
        assertThat(iterations).hasSize(CoarseLevel.of(whole).iterations().length + 1);
    }

    @Test
    void aDownsampledReadOfMorePointsThanTheCoarseLevelHoldsGivesTheWholeHistoryDownsampled() {
        Http http = new Http(port);
        String id = http.post(
                        "/jobs",
                        Map.of("dataset", "hw5", "alpha", 0.0005, "layers", List.of(5, 3), "iterations", ITERATIONS))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(TRAINING)
                .pollDelay(Duration.ZERO)
                .until(() -> status(http, id).equals("SUCCEEDED"));
        inOneBatch(id);
        JsonNode full = http.get("/jobs/" + id + "/losses").expect(200);
        JsonNode fullGradients = http.get("/jobs/" + id + "/gradients").expect(200);
        HistoryRepository.CoarseStats coarse = repository.coarseStats(id, -1);
        int maxPoints = (int) coarse.kept() + 200;
        assertThat(maxPoints).as("more than the coarse level, fewer than all").isLessThan(ITERATIONS);

        JsonNode losses =
                http.get("/jobs/" + id + "/losses?maxPoints=" + maxPoints).expect(200);
        JsonNode gradients =
                http.get("/jobs/" + id + "/gradients?maxPoints=" + maxPoints).expect(200);
        JsonNode since = http.get("/jobs/" + id + "/losses?since=1000&maxPoints=" + maxPoints)
                .expect(200);

        assertThat(iterations(losses)).containsExactly(expected(full, fullGradients, -1, maxPoints, true));
        assertThat(iterations(gradients)).containsExactly(expected(full, fullGradients, -1, maxPoints, false));
        assertThat(iterations(since)).containsExactly(expected(full, fullGradients, 1000, maxPoints, true));
        assertThat(losses.get("resolution").asString()).isEqualTo("full");
        for (int k = 0; k < maxPoints; k++) {
            int iteration = losses.at("/iteration/" + k).asInt();
            assertThat(losses.at("/train/" + k).asDouble())
                    .isEqualTo(full.at("/train/" + iteration).asDouble());
        }
        assertSameRatiosAsTheFullHistory(gradients, fullGradients);

        // From the coarse level (fewer points than it holds): update ratios are there too.
        JsonNode fromCoarse =
                http.get("/jobs/" + id + "/gradients?maxPoints=12").expect(200);
        assertThat(fromCoarse.get("iteration")).hasSize(12);
        assertSameRatiosAsTheFullHistory(fromCoarse, fullGradients);
    }

    /**
     * Stores a finished job's history again as one batch of all its points (its coarse row with it),
     * as a job that trains faster than the flush interval writes it: how many points the coarse level
     * keeps then no longer depends on how fast this machine trained the job. Returns the batch.
     */
    private HistoryChunk inOneBatch(String id) {
        return inOneBatch(id, validation -> {});
    }

    /** {@link #inOneBatch(String)} with the validation losses changed first by {@code change}. */
    private HistoryChunk inOneBatch(String id, java.util.function.Consumer<double[]> change) {
        List<HistoryChunk> chunks = repository.findSince(id, -1);
        int layers = chunks.get(0).layers();
        boolean validated = chunks.get(0).validation() != null;
        int n = chunks.stream().mapToInt(HistoryChunk::count).sum();
        double[] train = new double[n];
        double[] validation = validated ? new double[n] : null;
        double[] test = new double[n];
        double[] norms = new double[n * layers];
        double[] weights = new double[n * layers];
        int at = 0;
        for (HistoryChunk chunk : chunks) {
            System.arraycopy(chunk.train(), 0, train, at, chunk.count());
            if (validated) {
                System.arraycopy(chunk.validation(), 0, validation, at, chunk.count());
            }
            System.arraycopy(chunk.test(), 0, test, at, chunk.count());
            System.arraycopy(chunk.gradientNorms(), 0, norms, at * layers, chunk.count() * layers);
            System.arraycopy(chunk.weightNorms(), 0, weights, at * layers, chunk.count() * layers);
            at += chunk.count();
        }
        if (validated) {
            change.accept(validation);
        }
        HistoryChunk whole = new HistoryChunk(id, 0, n, layers, train, validation, test, norms, weights);
        repository.deleteAll(id);
        repository.insert(whole);
        assertThat(repository.coarseStats(id, -1).kept()).isLessThanOrEqualTo(CoarseLevel.POINTS_PER_BATCH);
        return whole;
    }

    /** Every point's update ratios are non-null and those of the same iteration in the full history. */
    private static void assertSameRatiosAsTheFullHistory(JsonNode gradients, JsonNode full) {
        for (String layer : List.of("W0", "W1", "W2")) {
            JsonNode ratios = gradients.at("/updateRatios/" + layer);
            assertThat(ratios.size()).isEqualTo(gradients.get("iteration").size());
            for (int k = 0; k < ratios.size(); k++) {
                int iteration = gradients.at("/iteration/" + k).asInt();
                assertThat(ratios.get(k).isNumber())
                        .as("%s ratio at %d", layer, iteration)
                        .isTrue();
                assertThat(ratios.get(k).asDouble())
                        .isEqualTo(full.at("/updateRatios/" + layer + "/" + iteration)
                                .asDouble());
                assertThat(gradients.at("/layers/" + layer + "/" + k).asDouble())
                        .isEqualTo(full.at("/layers/" + layer + "/" + iteration).asDouble());
            }
        }
    }

    /** The iterations the whole history (iteration i at index i) downsampled keeps. */
    private static int[] expected(JsonNode losses, JsonNode gradients, int since, int maxPoints, boolean byLoss) {
        List<Integer> its = new ArrayList<>();
        List<Double> shape = new ArrayList<>();
        // A loss read also keeps validation's and test's own extremes: their values, by the same points.
        List<List<Double>> others = new ArrayList<>();
        for (String curve : List.of("validation", "test")) {
            if (byLoss && losses.path(curve).isArray()) {
                others.add(new ArrayList<>());
            }
        }
        Map<Integer, Double> sums = new HashMap<>();
        for (int i = 0; i < losses.get("iteration").size(); i++) {
            int iteration = losses.at("/iteration/" + i).asInt();
            if (iteration <= since) {
                continue;
            }
            double value = losses.at("/train/" + i).asDouble();
            if (!byLoss) {
                value = 0;
                for (String layer : List.of("W0", "W1", "W2")) {
                    value += gradients.at("/layers/" + layer + "/" + i).asDouble();
                }
            }
            sums.put(iteration, value);
            int curve = 0;
            for (String name : List.of("validation", "test")) {
                if (byLoss && losses.path(name).isArray()) {
                    others.get(curve++).add(losses.at("/" + name + "/" + i).asDouble());
                }
            }
            its.add(iteration);
            shape.add(Math.log10(Math.max(value, 1e-300)));
        }
        double[] x = its.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = shape.stream().mapToDouble(Double::doubleValue).toArray();
        double[][] curves = others.stream()
                .map(values -> values.stream().mapToDouble(Double::doubleValue).toArray())
                .toArray(double[][]::new);
        return java.util.Arrays.stream(Downsampling.keepingExtremes(x, y, maxPoints, curves))
                .map(its::get)
                .toArray();
    }

    private static int[] iterations(JsonNode history) {
        int[] out = new int[history.get("iteration").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = history.at("/iteration/" + i).asInt();
        }
        return out;
    }

    private static String status(Http http, String id) {
        return http.get("/jobs/" + id).json().get("status").asString();
    }
}
