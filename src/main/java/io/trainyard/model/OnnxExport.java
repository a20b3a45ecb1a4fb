package io.trainyard.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;

import tools.jackson.databind.json.JsonMapper;

import ai.onnx.proto.OnnxMl;

/**
 * A stored model as an ONNX graph (opset 13, {@code tensor(double)} throughout), so any ONNX
 * runtime reproduces POST /models/{id}/predictions: input {@code x} {@code [N, d]} of raw inputs,
 * output {@code y} {@code [N, k]}.
 *
 * <p>The graph is the model's own computation, step for step: the basis expansion as {@code Pow} of
 * every column by 2..p and one {@code Concat} (columns ordered all x, then all x², …), the z-score
 * as {@code Sub} mean, {@code Div} std, then per layer {@code MatMul} by {@code Wl}, {@code Add}
 * {@code bl} (with bias) and the activation for hidden layers ({@code Sigmoid}, {@code Relu},
 * {@code Tanh}; {@code none} adds nothing); the output layer is linear. Lineage travels as
 * {@code metadata_props} ({@code trainyard.*} keys), so an exported file still says where it came from.
 */
final class OnnxExport {

    /** The media type GET /models/{id} answers with for an ONNX download. */
    static final String MEDIA_TYPE = "application/onnx";

    /** ONNX IR version 8 (ONNX 1.10+); opset 13 needs at least IR 7. */
    private static final long IR_VERSION = 8;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OnnxExport() {}

    static byte[] toBytes(StoredModel stored) {
        return toProto(stored).toByteArray();
    }

    static OnnxMl.ModelProto toProto(StoredModel stored) {
        Model model = stored.model();
        Network network = model.network();
        Preprocessing preprocessing = model.preprocessing();
        int[] sizes = network.layerSizes();

        ONNXContext onnx = new ONNXContext();
        onnx.setName("trainyard_model");
        // Tribuo's placeholders are declared as float; the element type is switched to double below.
        ONNXPlaceholder x = onnx.floatInput("x", model.inputWidth());
        ONNXPlaceholder y = onnx.floatOutput("y", model.outputWidth());

        ONNXRef<?> a = x;
        if (preprocessing.basisDegree() > 1) {
            List<ONNXRef<?>> powers = new ArrayList<>();
            powers.add(x);
            for (int p = 2; p <= preprocessing.basisDegree(); p++) {
                powers.add(
                        x.apply(ONNXOperators.POW, onnx.array("exponent_" + p, new double[] {p}, false), "x_pow_" + p));
            }
            a = onnx.operation(ONNXOperators.CONCAT, powers, "expanded", Map.of("axis", 1));
        }
        if (preprocessing.normalize()) {
            a = a.apply(ONNXOperators.SUB, onnx.array("mean", preprocessing.mean(), false), "centred");
            ONNXRef<?> std = onnx.array("std", preprocessing.std(), false);
            if (preprocessing.std().length == 1) {
                // A one-element divisor is a scalar to ONNX Runtime's optimiser (1.26 and later, at its
                // default level), which folds it into the next MatMul as a float32 factor: 1e-8 of relative
                // accuracy lost (OnnxExportTests). Broadcast to the input's shape it is no constant to fold.
                std = std.apply(Op.EXPAND, a.apply(Op.SHAPE, "centred_shape"), "std_broadcast");
            }
            a = a.apply(ONNXOperators.DIV, std, "normalised");
        }
        List<RealMatrix> weights = network.weights();
        List<RealVector> biases = network.biases();
        for (int l = 0; l < weights.size(); l++) {
            ONNXNode w = onnx.array("W" + l + "_values", rowMajor(weights.get(l)), false)
                    .apply(Op.RESHAPE, onnx.array("W" + l + "_shape", new long[] {sizes[l], sizes[l + 1]}), "W" + l);
            a = a.apply(Op.MATMUL, w, "IN" + (l + 1) + (network.hasBias() ? "_without_bias" : ""));
            if (network.hasBias()) {
                a = a.apply(ONNXOperators.ADD, onnx.array("b" + l, biases.get(l).toArray(), false), "IN" + (l + 1));
            }
            boolean hidden = l + 1 < weights.size();
            if (hidden && network.activation() != Activation.NONE) {
                a = a.apply(activation(network.activation()), "A" + (l + 1));
            }
        }
        a.assignTo(y);

        OnnxMl.GraphProto.Builder graph = onnx.buildGraph().toBuilder();
        int doubleType = OnnxMl.TensorProto.DataType.DOUBLE.getNumber();
        for (OnnxMl.ValueInfoProto.Builder io : List.of(graph.getInputBuilder(0), graph.getOutputBuilder(0))) {
            io.getTypeBuilder().getTensorTypeBuilder().setElemType(doubleType);
            io.getTypeBuilder()
                    .getTensorTypeBuilder()
                    .getShapeBuilder()
                    .getDimBuilder(0)
                    .setDimParam("N");
        }
        graph.getInputBuilder(0)
                .setDocString("Raw inputs, one row per sample"
                        + (stored.inputColumns() == null ? "" : ", columns " + stored.inputColumns()));
        graph.getOutputBuilder(0)
                .setDocString("Predictions, one row per sample"
                        + (stored.outputColumns() == null ? "" : ", columns " + stored.outputColumns()));

        OnnxMl.ModelProto.Builder proto = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("trainyard")
                .setDomain("io.trainyard")
                .setModelVersion(1)
                .setDocString("Trainyard model " + stored.id() + ": layers " + Arrays.toString(sizes) + ", "
                        + network.activation().id() + (network.hasBias() ? ", bias" : "") + ", basis degree "
                        + preprocessing.basisDegree() + (preprocessing.normalize() ? ", normalised" : ""))
                .setGraph(graph);
        Lineage lineage = stored.lineage();
        if (lineage != null && lineage.version() != null) {
            proto.setProducerVersion(lineage.version());
        }
        metadata(stored)
                .forEach((key, value) -> proto.addMetadataProps(
                        OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return proto.build();
    }

    /** The lineage as {@code trainyard.*} string properties; null parts are left out. */
    static Map<String, String> metadata(StoredModel stored) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("trainyard.modelId", stored.id());
        props.put("trainyard.createdAt", stored.createdAt().toString());
        Lineage lineage = stored.lineage();
        if (lineage != null) {
            for (var component : Lineage.class.getRecordComponents()) {
                Object value;
                try {
                    value = component.getAccessor().invoke(lineage);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                if (value != null) {
                    props.put(
                            "trainyard.lineage." + component.getName(),
                            value instanceof String s ? s : JSON.writeValueAsString(value));
                }
            }
        }
        if (stored.inputColumns() != null) {
            props.put("trainyard.inputColumns", JSON.writeValueAsString(stored.inputColumns()));
        }
        if (stored.outputColumns() != null) {
            props.put("trainyard.outputColumns", JSON.writeValueAsString(stored.outputColumns()));
        }
        return props;
    }

    private static ONNXOperator activation(Activation activation) {
        return switch (activation) {
            case SIGMOID -> ONNXOperators.SIGMOID;
            case RELU -> Op.RELU;
            case TANH -> Op.TANH;
            case NONE -> throw new IllegalArgumentException("none adds no node");
        };
    }

    private static double[] rowMajor(RealMatrix m) {
        int cols = m.getColumnDimension();
        double[] out = new double[m.getRowDimension() * cols];
        for (int r = 0; r < m.getRowDimension(); r++) {
            System.arraycopy(m.getRow(r), 0, out, r * cols, cols);
        }
        return out;
    }

    /**
     * The opset-13 operators Tribuo's own list lacks, declared through its {@link ONNXOperator}
     * interface so the builder still checks the input counts.
     */
    private enum Op implements ONNXOperator {
        MATMUL("MatMul", 2),
        RELU("Relu", 1),
        TANH("Tanh", 1),
        RESHAPE("Reshape", 2),
        SHAPE("Shape", 1),
        EXPAND("Expand", 2);

        private final String name;
        private final int inputs;

        Op(String name, int inputs) {
            this.name = name;
            this.inputs = inputs;
        }

        @Override
        public String getOpName() {
            return name;
        }

        @Override
        public int getNumInputs() {
            return inputs;
        }

        @Override
        public int getNumOptionalInputs() {
            return 0;
        }

        @Override
        public int getNumOutputs() {
            return 1;
        }

        @Override
        public Map<String, ONNXAttribute> getAttributes() {
            return Collections.emptyMap();
        }

        @Override
        public Set<String> getMandatoryAttributeNames() {
            return Collections.emptySet();
        }

        @Override
        public int getOpVersion() {
            return 13;
        }

        @Override
        public String getOpDomain() {
            return "";
        }
    }
}
