package io.trainyard.nn;

import static io.trainyard.nn.ReferenceVectors.matrix;
import static io.trainyard.nn.ReferenceVectors.vector;
import static io.trainyard.nn.Tolerance.REFERENCE;
import static io.trainyard.nn.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Optimizers, mini-batches and early stopping against {@code reference/training-options.json},
 * computed by an independent numpy implementation: every number to a relative error of 1e-9. The
 * cases give their initial weights explicitly, so they test the training rules, not initialisation.
 */
class TrainingOptionsReferenceTests {

    private static final JsonNode ROOT = load();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        ROOT.get("cases").forEach(c -> out.add(Arguments.of(c.get("name").asString(), c)));
        return out.stream();
    }

    @Test
    void splitMix64MatchesTheReferenceOutputsAndPermutation() {
        JsonNode reference = ROOT.get("splitMix64");
        long seed = reference.get("seed").asLong();
        SplitMix64 generator = new SplitMix64(seed);
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < reference.get("firstOutputs").size(); i++) {
            outputs.add(Long.toUnsignedString(generator.next()));
        }
        List<String> expected = new ArrayList<>();
        reference.get("firstOutputs").forEach(v -> expected.add(v.asString()));
        assertThat(outputs).containsExactlyElementsOf(expected);

        int[] permutation = new int[10];
        new SplitMix64(seed).permutation(permutation);
        assertThat(permutation).containsExactly(ReferenceVectors.ints(reference.get("permutationOf10")));
    }

    @Test
    void coversEveryOptimizerMiniBatchesAndBothEarlyStoppingEndings() {
        List<String> optimizers = new ArrayList<>();
        ROOT.get("cases")
                .forEach(c -> optimizers.add(c.get("optimizer").get("type").asString()));
        assertThat(optimizers).contains("gd", "momentum", "adam");
        List<Boolean> restore = new ArrayList<>();
        ROOT.get("cases").forEach(c -> {
            if (!c.get("earlyStopping").isNull()) {
                restore.add(c.get("earlyStopping").get("restoreBest").asBoolean());
            }
        });
        assertThat(restore).contains(true, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void historyFinalWeightsAndEarlyStoppingMatchTheReference(String name, JsonNode c) {
        Network initial = ReferenceVectors.network(c, "initial");
        LossHistory history = new LossHistory();

        TrainingResult result = new Trainer(plan(c)).train(initial, data(c), history, () -> false);

        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
        int points = c.get("trainLoss").size();
        assertThat(history.size()).as(name + " history points").isEqualTo(points);
        assertThat(result.updates()).isEqualTo(points - 1);
        assertClose(history.train(), vector(c.get("trainLoss")), REFERENCE, name + " trainLoss");
        assertClose(history.validation(), vector(c.get("validationLoss")), REFERENCE, name + " validationLoss");
        assertClose(history.test(), vector(c.get("testLoss")), REFERENCE, name + " testLoss");
        assertThat(result.stoppedEarly())
                .as(name + " stoppedEarly")
                .isEqualTo(c.get("stoppedEarly").asBoolean());
        if (c.get("bestIteration").isNull()) {
            assertThat(result.bestIteration()).isNull();
        } else {
            assertThat(result.bestIteration())
                    .as(name + " bestIteration")
                    .isEqualTo(c.get("bestIteration").asInt());
            assertThat(result.networkPoint().iteration())
                    .isEqualTo(
                            c.get("earlyStopping").get("restoreBest").asBoolean()
                                    ? result.bestIteration()
                                    : points - 1);
        }
        Network expected = ReferenceVectors.network(c, "final");
        for (int l = 0; l < expected.depth(); l++) {
            assertClose(result.network().weight(l), expected.weight(l), REFERENCE, name + " final W" + l);
            if (expected.hasBias()) {
                assertClose(
                        result.network().biases().get(l).toArray(),
                        expected.biases().get(l).toArray(),
                        REFERENCE,
                        name + " final b" + l);
            }
        }
        // The kept network's point carries the kept network's losses.
        assertClose(
                result.network().loss(data(c).train()),
                result.networkPoint().trainLoss(),
                REFERENCE,
                name + " kept network's train loss");
    }

    static TrainingPlan plan(JsonNode c) {
        JsonNode o = c.get("optimizer");
        Optimizer optimizer = switch (o.get("type").asString()) {
            case "gd" -> Optimizer.gd();
            case "momentum" -> new Optimizer.Momentum(number(o, "beta", Optimizer.Momentum.DEFAULT_BETA));
            case "adam" ->
                new Optimizer.Adam(
                        number(o, "beta1", Optimizer.Adam.DEFAULT_BETA1),
                        number(o, "beta2", Optimizer.Adam.DEFAULT_BETA2),
                        number(o, "epsilon", Optimizer.Adam.DEFAULT_EPSILON));
            default -> throw new IllegalArgumentException(o.toString());
        };
        JsonNode e = c.get("earlyStopping");
        EarlyStopping stopping = e.isNull()
                ? null
                : new EarlyStopping(
                        e.get("patience").asInt(),
                        number(e, "minDelta", EarlyStopping.DEFAULT_MIN_DELTA),
                        EarlyStopping.Monitor.fromId(e.get("monitor").asString()),
                        e.get("restoreBest").asBoolean());
        Integer batchSize =
                c.get("batchSize").isNull() ? null : c.get("batchSize").asInt();
        return new TrainingPlan(
                c.get("alpha").asDouble(),
                c.get("iterations").asInt(),
                optimizer,
                batchSize,
                stopping,
                c.get("seed").asLong());
    }

    static TrainingData data(JsonNode c) {
        return new TrainingData(
                Samples.of(matrix(c.get("x")), matrix(c.get("y"))),
                Samples.of(matrix(c.get("validationX")), matrix(c.get("validationY"))),
                Samples.of(matrix(c.get("testX")), matrix(c.get("testY"))));
    }

    static List<JsonNode> all() {
        List<JsonNode> out = new ArrayList<>();
        ROOT.get("cases").forEach(out::add);
        return out;
    }

    private static double number(JsonNode node, String field, double fallback) {
        return node.has(field) && !node.get(field).isNull() ? node.get(field).asDouble() : fallback;
    }

    private static JsonNode load() {
        try (InputStream in =
                TrainingOptionsReferenceTests.class.getResourceAsStream("/reference/training-options.json")) {
            if (in == null) {
                throw new IllegalStateException("reference/training-options.json is missing from the test resources");
            }
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
