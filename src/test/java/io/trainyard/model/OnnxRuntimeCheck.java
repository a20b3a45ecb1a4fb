package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * Runs an exported model in the real ONNX Runtime. Loading is itself the structural check available
 * in Java: ONNX Runtime's loader runs ONNX's graph checks (types, shapes, operator schemas of the
 * declared opset) and refuses a model that breaks them.
 */
public final class OnnxRuntimeCheck implements AutoCloseable {

    /** What the API promises: ONNX and /predictions agree to a relative error of 1e-9. */
    public static final double RELATIVE = 1e-9;

    /** Below this magnitude an absolute error is compared instead of a relative one. */
    public static final double ABSOLUTE_FLOOR = 1e-12;

    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    private final OrtSession session;

    public OnnxRuntimeCheck(byte[] onnx) throws OrtException {
        // Every graph optimisation, as ONNX Runtime's Python and JavaScript sessions apply by default.
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        this.session = ENVIRONMENT.createSession(onnx, options);
    }

    /** Asserts the API's interface: double input x [N, d], double output y [N, k]. */
    public OnnxRuntimeCheck hasInterface(int inputs, int outputs) throws OrtException {
        assertThat(session.getInputNames()).containsExactly("x");
        assertThat(session.getOutputNames()).containsExactly("y");
        assertTensor(session.getInputInfo().get("x"), inputs);
        assertTensor(session.getOutputInfo().get("y"), outputs);
        return this;
    }

    private static void assertTensor(NodeInfo node, int width) {
        TensorInfo info = (TensorInfo) node.getInfo();
        assertThat(info.type).isEqualTo(OnnxJavaType.DOUBLE);
        assertThat(info.getShape()).containsExactly(-1L, width);
    }

    public Map<String, String> metadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    public double[][] predict(double[][] x) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(ENVIRONMENT, x);
                OrtSession.Result result = session.run(Map.of("x", input))) {
            return (double[][]) result.get(0).getValue();
        }
    }

    /** Asserts every output agrees with the expected one to {@link #RELATIVE}. */
    public static void assertClose(double[][] actual, double[][] expected, String what) {
        assertThat(actual.length).as("%s rows", what).isEqualTo(expected.length);
        for (int r = 0; r < expected.length; r++) {
            assertThat(actual[r].length).as("%s row %d width", what, r).isEqualTo(expected[r].length);
            for (int c = 0; c < expected[r].length; c++) {
                double error = Math.abs(actual[r][c] - expected[r][c]);
                double scale = Math.max(Math.abs(actual[r][c]), Math.abs(expected[r][c]));
                assertThat(error <= RELATIVE * scale || error <= ABSOLUTE_FLOOR)
                        .as(
                                "%s y[%d][%d]: expected %s, ONNX Runtime gave %s (relative error %s)",
                                what, r, c, expected[r][c], actual[r][c], error / scale)
                        .isTrue();
            }
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
