package io.trainyard.nn;

import static io.trainyard.nn.ReferenceVectors.matrix;
import static io.trainyard.nn.ReferenceVectors.vector;
import static io.trainyard.nn.Tolerance.REFERENCE;
import static io.trainyard.nn.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;

/** The engine against every number in the shared reference vectors, to a relative error of 1e-9. */
class ReferenceVectorsTests {

    static Stream<Arguments> cases() {
        return ReferenceVectors.cases().stream()
                .map(c -> Arguments.of(c.get("name").asString(), c));
    }

    static Stream<Arguments> preprocessingCases() {
        List<JsonNode> cases = ReferenceVectors.preprocessingCases();
        return cases.stream()
                .map(c -> Arguments.of(
                        "degree " + c.get("basisDegree").asInt() + ", normalize "
                                + c.get("normalize").asBoolean(),
                        c));
    }

    @Test
    void coversEveryActivationWithAndWithoutBias() {
        assertThat(ReferenceVectors.cases())
                .extracting(c -> c.get("activation").asString())
                .contains("sigmoid", "relu", "tanh", "none");
        assertThat(ReferenceVectors.cases())
                .extracting(c -> c.get("bias").asBoolean())
                .contains(true, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardCacheAndPrediction(String name, JsonNode c) {
        Network network = ReferenceVectors.network(c, "initial");

        ForwardCache cache = network.forward(matrix(c.get("x")));

        List<String> expectedKeys = iterate(c.get("cache").propertyNames());
        assertThat(cache.keys()).containsExactlyInAnyOrderElementsOf(expectedKeys);
        for (String key : expectedKeys) {
            assertClose(cache.get(key), matrix(c.get("cache").get(key)), REFERENCE, name + " cache " + key);
        }
        assertClose(cache.output(), matrix(c.get("prediction")), REFERENCE, name + " prediction");
        assertClose(network.predict(matrix(c.get("x"))), matrix(c.get("prediction")), REFERENCE, name + " predict");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossAndGradients(String name, JsonNode c) {
        Network network = ReferenceVectors.network(c, "initial");
        Samples train = Samples.of(matrix(c.get("x")), matrix(c.get("y")));

        LossAndGradient result = network.lossAndGradient(train);

        assertClose(result.loss(), c.get("loss").asDouble(), REFERENCE, name + " loss");
        assertClose(network.loss(train), c.get("loss").asDouble(), REFERENCE, name + " loss alone");
        JsonNode gradients = c.get("gradients");
        for (int l = 0; l < network.depth(); l++) {
            assertClose(result.gradients().weight(l), matrix(gradients.get("W" + l)), REFERENCE, name + " dW" + l);
            if (network.hasBias()) {
                assertClose(
                        result.gradients().biases().get(l).toArray(),
                        vector(gradients.get("b" + l)),
                        REFERENCE,
                        name + " db" + l);
            }
        }
        assertThat(result.gradients().biases()).hasSize(network.hasBias() ? network.depth() : 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainingHistoryAndFinalWeights(String name, JsonNode c) {
        Network initial = ReferenceVectors.network(c, "initial");
        GradientDescent descent = new GradientDescent(
                c.get("alpha").asDouble(), c.get("iterations").asInt());
        LossHistory history = new LossHistory();

        TrainingResult result = descent.train(initial, ReferenceVectors.data(c), history, () -> false);

        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
        assertThat(result.updates()).isEqualTo(c.get("iterations").asInt());
        assertThat(history.size()).isEqualTo(c.get("iterations").asInt() + 1);
        assertClose(history.train(), vector(c.get("trainLoss")), REFERENCE, name + " trainLoss");
        assertClose(history.test(), vector(c.get("testLoss")), REFERENCE, name + " testLoss");
        double[][] norms = history.gradientNorms();
        for (int i = 0; i < norms.length; i++) {
            assertClose(norms[i], vector(c.get("gradientNorms").get(i)), REFERENCE, name + " gradientNorms[" + i + "]");
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
        assertClose(
                initial.weight(0),
                ReferenceVectors.network(c, "initial").weight(0),
                0.0,
                name + " the starting network is left untouched");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preprocessingCases")
    void preprocessing(String name, JsonNode c) {
        Preprocessing pipeline = Preprocessing.fit(
                matrix(c.get("x")),
                c.get("basisDegree").asInt(),
                c.get("normalize").asBoolean());

        assertClose(pipeline.apply(matrix(c.get("x"))), matrix(c.get("expected")), REFERENCE, name + " fitted rows");
        assertClose(pipeline.apply(matrix(c.get("query"))), matrix(c.get("queryExpected")), REFERENCE, name + " query");
        if (c.get("mean").isNull()) {
            assertThat(pipeline.mean()).isNull();
            assertThat(pipeline.std()).isNull();
        } else {
            assertClose(pipeline.mean(), vector(c.get("mean")), REFERENCE, name + " mean");
            assertClose(pipeline.std(), vector(c.get("std")), REFERENCE, name + " std");
        }
    }

    private static List<String> iterate(Iterable<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEach(out::add);
        return out;
    }
}
