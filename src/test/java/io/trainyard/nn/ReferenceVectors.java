package io.trainyard.nn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads {@code reference/vectors.json}, the cases computed by an independent implementation. */
final class ReferenceVectors {

    private static final JsonNode ROOT = load();

    private ReferenceVectors() {}

    static List<JsonNode> cases() {
        return list(ROOT.get("cases"));
    }

    static List<JsonNode> preprocessingCases() {
        return list(ROOT.get("preprocessing"));
    }

    static JsonNode find(String name) {
        return cases().stream()
                .filter(c -> c.get("name").asString().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static RealMatrix matrix(JsonNode node) {
        double[][] data = new double[node.size()][];
        for (int r = 0; r < node.size(); r++) {
            JsonNode row = node.get(r);
            data[r] = new double[row.size()];
            for (int c = 0; c < row.size(); c++) {
                data[r][c] = row.get(c).asDouble();
            }
        }
        return new Array2DRowRealMatrix(data, false);
    }

    static double[] vector(JsonNode node) {
        double[] values = new double[node.size()];
        for (int i = 0; i < node.size(); i++) {
            values[i] = node.get(i).asDouble();
        }
        return values;
    }

    static int[] ints(JsonNode node) {
        int[] values = new int[node.size()];
        for (int i = 0; i < node.size(); i++) {
            values[i] = node.get(i).asInt();
        }
        return values;
    }

    /** The case's network as given in {@code initial} (or {@code final}). */
    static Network network(JsonNode c, String which) {
        int[] sizes = ints(c.get("layerSizes"));
        JsonNode params = c.get(which);
        List<RealMatrix> weights = new ArrayList<>();
        List<RealVector> biases = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            weights.add(matrix(params.get("W" + l)));
            if (c.get("bias").asBoolean()) {
                biases.add(new ArrayRealVector(vector(params.get("b" + l))));
            }
        }
        return Network.of(sizes, Activation.fromId(c.get("activation").asString()), weights, biases);
    }

    static TrainingData data(JsonNode c) {
        Samples train = Samples.of(matrix(c.get("x")), matrix(c.get("y")));
        Samples test = c.has("testX") ? Samples.of(matrix(c.get("testX")), matrix(c.get("testY"))) : null;
        return new TrainingData(train, null, test);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static JsonNode load() {
        try (InputStream in = ReferenceVectors.class.getResourceAsStream("/reference/vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("reference/vectors.json is missing from the test resources");
            }
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
