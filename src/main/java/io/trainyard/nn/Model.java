package io.trainyard.nn;

import org.apache.commons.math3.linear.RealMatrix;

/**
 * A trained network together with the preprocessing fitted on its training rows: what gets
 * stored, exported, imported and asked for predictions. Raw inputs go in; the model applies its
 * own preprocessing.
 */
public final class Model {

    private final Network network;
    private final Preprocessing preprocessing;

    /**
     * @throws IllegalArgumentException when the preprocessing's output width is not the network's input width
     */
    public Model(Network network, Preprocessing preprocessing) {
        if (network.inputWidth() % preprocessing.basisDegree() != 0) {
            throw new IllegalArgumentException("the network's input width " + network.inputWidth()
                    + " is not a multiple of the basis degree " + preprocessing.basisDegree());
        }
        double[] mean = preprocessing.mean();
        if (mean != null && mean.length != network.inputWidth()) {
            throw new IllegalArgumentException("the preprocessing normalises " + mean.length
                    + " columns but the network's input width is " + network.inputWidth());
        }
        this.network = network.copy();
        this.preprocessing = preprocessing;
    }

    /** Number of raw input columns a prediction request must have. */
    public int inputWidth() {
        return network.inputWidth() / preprocessing.basisDegree();
    }

    public int outputWidth() {
        return network.outputWidth();
    }

    /**
     * Predictions for raw inputs.
     *
     * @throws IllegalArgumentException naming both widths when {@code x} has the wrong number of columns
     */
    public RealMatrix predict(RealMatrix x) {
        if (x.getColumnDimension() != inputWidth()) {
            throw new IllegalArgumentException(
                    "x has " + x.getColumnDimension() + " columns but the model expects " + inputWidth());
        }
        return network.predict(preprocessing.apply(x));
    }

    /**
     * The network's layer sizes, its input width counted after basis expansion: the shape without
     * copying the weights as {@link #network()} does.
     */
    public int[] layerSizes() {
        return network.layerSizes();
    }

    /** Weights plus biases. */
    public long parameterCount() {
        return network.parameterCount();
    }

    /** A copy of the network. */
    public Network network() {
        return network.copy();
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }
}
