package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class ModelTests {

    private static final RealMatrix X =
            new Array2DRowRealMatrix(new double[][] {{1, 10, 5}, {2, 20, 5}, {4, 15, 5}, {3, 12, 5}});

    @Test
    void predictionAppliesTheStoredPreprocessingToRawInputs() {
        Preprocessing preprocessing = Preprocessing.fit(X, 2, true);
        Network network = Network.initialize(new int[] {6, 4, 2}, Activation.TANH, true, 0.5, new Well19937c(5));
        Model model = new Model(network, preprocessing);

        RealMatrix predicted = model.predict(X);

        assertThat(model.inputWidth()).isEqualTo(3);
        assertThat(predicted.getData())
                .isDeepEqualTo(network.predict(preprocessing.apply(X)).getData());
    }

    @Test
    void aWrongWidthNamesBothWidths() {
        Model model = new Model(
                Network.initialize(new int[] {6, 1}, Activation.NONE, false, 0.5, new Well19937c(5)),
                Preprocessing.fit(X, 2, false));

        assertThatThrownBy(() -> model.predict(new Array2DRowRealMatrix(new double[][] {{1, 2}})))
                .hasMessage("x has 2 columns but the model expects 3");
    }

    @Test
    void preprocessingMustFitTheNetwork() {
        Network network = Network.initialize(new int[] {5, 1}, Activation.NONE, false, 0.5, new Well19937c(5));

        assertThatThrownBy(() -> new Model(network, Preprocessing.fit(X, 2, false)))
                .hasMessageContaining("input width 5")
                .hasMessageContaining("basis degree 2");
        assertThatThrownBy(() -> new Model(
                        Network.initialize(new int[] {6, 1}, Activation.NONE, false, 0.5, new Well19937c(5)),
                        Preprocessing.of(1, new double[] {0, 0, 0}, new double[] {1, 1, 1})))
                .hasMessageContaining("normalises 3 columns");
    }

    @Test
    void constantColumnsNormaliseToZeroAndExpansionOrdersPowersByDegree() {
        Preprocessing pipeline = Preprocessing.fit(X, 3, true);

        RealMatrix out = pipeline.apply(X);

        assertThat(out.getColumnDimension()).isEqualTo(9);
        assertThat(pipeline.std()[2]).isEqualTo(1.0);
        assertThat(out.getColumn(2)).containsOnly(0.0);
        RealMatrix raw = Preprocessing.fit(X, 3, false).apply(X);
        assertThat(raw.getRow(1)).containsExactly(2, 20, 5, 4, 400, 25, 8, 8000, 125);
    }

    @Test
    void preprocessingRejectsBadParameters() {
        assertThatThrownBy(() -> Preprocessing.fit(X, 0, false)).hasMessageContaining("between 1 and 10, got 0");
        assertThatThrownBy(() -> Preprocessing.fit(X, 11, false)).hasMessageContaining("got 11");
        assertThatThrownBy(() -> Preprocessing.of(1, new double[] {0}, new double[] {0}))
                .hasMessageContaining("std 0.0");
        Preprocessing fitted = Preprocessing.fit(X, 1, true);
        assertThatThrownBy(() -> fitted.apply(new Array2DRowRealMatrix(new double[][] {{1, 2}})))
                .hasMessageContaining("2 columns")
                .hasMessageContaining("fitted on 3");
    }

    @Test
    void activationNamesParseCaseInsensitivelyAndUnknownNamesListTheChoices() {
        assertThat(Activation.fromId("ReLU")).isEqualTo(Activation.RELU);
        assertThat(Activation.SIGMOID.id()).isEqualTo("sigmoid");
        assertThatThrownBy(() -> Activation.fromId("softmax"))
                .hasMessage("unknown activation 'softmax'; use one of [sigmoid, relu, tanh, none]");
        assertThat(Activation.RELU.derivative(0.0, 0.0)).isZero();
    }
}
