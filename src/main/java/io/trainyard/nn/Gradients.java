package io.trainyard.nn;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/** {@code ∂SSE/∂Wl} and {@code ∂SSE/∂bl} for every layer (copies, safe to keep). */
public final class Gradients {

    private final int[] layerSizes;
    private final double[][] weights;
    private final double[][] biases;

    Gradients(int[] layerSizes, double[][] weights, double[][] biases) {
        this.layerSizes = layerSizes;
        this.weights = weights;
        this.biases = biases;
    }

    /** {@code ∂SSE/∂Wl}, shaped like {@code Wl}. */
    public RealMatrix weight(int l) {
        return Dense.toMatrix(weights[l], layerSizes[l], layerSizes[l + 1]);
    }

    public List<RealMatrix> weights() {
        List<RealMatrix> out = new ArrayList<>();
        for (int l = 0; l < weights.length; l++) {
            out.add(weight(l));
        }
        return out;
    }

    /** {@code ∂SSE/∂bl}; empty for a network without bias terms. */
    public List<RealVector> biases() {
        List<RealVector> out = new ArrayList<>();
        if (biases != null) {
            for (double[] b : biases) {
                out.add(new ArrayRealVector(b));
            }
        }
        return out;
    }

    /** The Frobenius norm of each {@code ∂SSE/∂Wl}. */
    public double[] norms() {
        double[] norms = new double[weights.length];
        for (int l = 0; l < weights.length; l++) {
            norms[l] = Dense.frobeniusNorm(weights[l], weights[l].length);
        }
        return norms;
    }
}
