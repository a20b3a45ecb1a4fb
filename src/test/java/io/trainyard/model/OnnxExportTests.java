package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;

import tools.jackson.databind.json.JsonMapper;

import ai.onnx.proto.OnnxMl;

/**
 * Every exported graph runs in the real ONNX Runtime, with its default (full) graph optimisations, and
 * gives the engine's predictions: each activation, with and without bias, basis degree 1 to 3,
 * normalisation on and off, one input column or three (with one, mean and std are single numbers, which
 * ONNX Runtime's optimiser treats differently).
 */
class OnnxExportTests {

    private static final int RAW_INPUTS = 3;
    private static final int OUTPUTS = 2;

    static Stream<Arguments> everyKindOfModel() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (boolean bias : new boolean[] {false, true}) {
                for (int degree = 1; degree <= 3; degree++) {
                    for (boolean normalize : new boolean[] {false, true}) {
                        for (int inputs : new int[] {1, RAW_INPUTS}) {
                            cases.add(Arguments.of(activation, bias, degree, normalize, inputs));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, bias {1}, degree {2}, normalize {3}, {4} inputs")
    @MethodSource("everyKindOfModel")
    void onnxRuntimeReproducesTheEnginesPredictions(
            Activation activation, boolean bias, int degree, boolean normalize, int inputs) throws Exception {
        long seed = 31L * activation.ordinal() + 7L * degree + (bias ? 3 : 0) + (normalize ? 1 : 0) + 101L * inputs;
        Well19937c random = new Well19937c(seed);
        double[][] train = uniform(random, 40, inputs, -2, 3);
        Preprocessing preprocessing = Preprocessing.fit(new Array2DRowRealMatrix(train, false), degree, normalize);
        // two hidden layers, so an activation sits between two products and the output layer stays linear
        Network network = Network.initialize(new int[] {inputs * degree, 6, 4, OUTPUTS}, activation, bias, 0.8, random);
        Model model = new Model(network, preprocessing);
        double[][] x = uniform(random, 25, inputs, -3, 4);
        double[][] expected = model.predict(new Array2DRowRealMatrix(x, false)).getData();

        try (OnnxRuntimeCheck onnx = new OnnxRuntimeCheck(OnnxExport.toBytes(stored(model, null)))) {
            onnx.hasInterface(inputs, OUTPUTS);
            OnnxRuntimeCheck.assertClose(onnx.predict(x), expected, activation.id());
        }
    }

    @Test
    void theGraphDeclaresOpset13DoublesAndThePreprocessingOperators() throws Exception {
        Model model = new Model(
                Network.initialize(new int[] {6, 3, 1}, Activation.TANH, true, 0.5, new Well19937c(1)),
                Preprocessing.fit(new Array2DRowRealMatrix(uniform(new Well19937c(2), 10, 2, 0, 1), false), 3, true));

        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(OnnxExport.toBytes(stored(model, null)));

        assertThat(proto.getOpsetImportList()).anySatisfy(opset -> {
            assertThat(opset.getDomain()).isEmpty();
            assertThat(opset.getVersion()).isGreaterThanOrEqualTo(13);
        });
        assertThat(proto.getGraph().getNodeList())
                .extracting(OnnxMl.NodeProto::getOpType)
                .contains("Pow", "Concat", "Sub", "Div", "MatMul", "Add", "Tanh");
        assertThat(proto.getGraph().getInitializerList())
                .allSatisfy(t -> assertThat(t.getDataType())
                        .isIn(
                                OnnxMl.TensorProto.DataType.DOUBLE.getNumber(),
                                OnnxMl.TensorProto.DataType.INT64.getNumber()));
    }

    @Test
    void lineageTravelsAsMetadataProperties() throws Exception {
        Model model = new Model(
                Network.initialize(new int[] {2, 1}, Activation.NONE, false, 1, new Well19937c(3)),
                Preprocessing.identity());
        Lineage lineage = new Lineage(
                "job-1",
                "sweep-1",
                "ds-1",
                "houses",
                "ab".repeat(32),
                JsonMapper.builder().build().readTree("{\"alpha\":0.01,\"seed\":7}"),
                "0.1.0",
                "438cf40",
                "VectorBLAS",
                1.5,
                false);

        try (OnnxRuntimeCheck onnx = new OnnxRuntimeCheck(OnnxExport.toBytes(stored(model, lineage)))) {
            assertThat(onnx.metadata())
                    .containsEntry("trainyard.modelId", "m-1")
                    .containsEntry("trainyard.lineage.jobId", "job-1")
                    .containsEntry("trainyard.lineage.sweepId", "sweep-1")
                    .containsEntry("trainyard.lineage.datasetName", "houses")
                    .containsEntry("trainyard.lineage.dataDigest", "ab".repeat(32))
                    .containsEntry("trainyard.lineage.spec", "{\"alpha\":0.01,\"seed\":7}")
                    .containsEntry("trainyard.lineage.commit", "438cf40")
                    .containsEntry("trainyard.lineage.trainingSeconds", "1.5")
                    .containsEntry("trainyard.lineage.imported", "false")
                    .containsEntry("trainyard.inputColumns", "[\"a\",\"b\"]");
        }
    }

    private static StoredModel stored(Model model, Lineage lineage) {
        List<String> inputs = model.inputWidth() == 2 ? List.of("a", "b") : null;
        return new StoredModel(
                "m-1", null, Instant.parse("2026-01-01T00:00:00Z"), model, 1.0, null, lineage, inputs, null);
    }

    private static double[][] uniform(Well19937c random, int rows, int cols, double low, double high) {
        double[][] x = new double[rows][cols];
        for (double[] row : x) {
            for (int c = 0; c < cols; c++) {
                row[c] = low + (high - low) * random.nextDouble();
            }
        }
        return x;
    }
}
