package io.trainyard.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * A multilayer perceptron: weights {@code W0..WL}, optional biases {@code b0..bL}, one hidden-layer
 * activation and a linear output layer (see the package documentation for the mathematics).
 *
 * <p>Weights go in and come out as {@link RealMatrix} copies; the network itself keeps them as
 * row-major arrays that training updates in place. A {@code Network} is not thread-safe: each
 * training run works on its own copy.
 */
public final class Network {

    private final int[] layerSizes;
    private final Activation activation;
    private final boolean bias;
    /** {@code weights[l]} is row-major {@code layerSizes[l] × layerSizes[l+1]}. */
    final double[][] weights;
    /** {@code biases[l]} has length {@code layerSizes[l+1]}; null without bias. */
    final double[][] biases;

    private Network(int[] layerSizes, Activation activation, boolean bias, double[][] weights, double[][] biases) {
        this.layerSizes = layerSizes;
        this.activation = activation;
        this.bias = bias;
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * A new network with every weight (and bias) an independent N(0,1)·scale draw from {@code random},
     * in the order W0, b0, W1, b1, ….
     *
     * @param layerSizes input width, hidden widths, output width: at least two positive sizes
     */
    public static Network initialize(
            int[] layerSizes, Activation activation, boolean bias, double scale, RandomGenerator random) {
        int[] sizes = checkedSizes(layerSizes);
        if (!Double.isFinite(scale) || scale < 0) {
            throw new IllegalArgumentException("scale must be a finite number >= 0, got " + scale);
        }
        int count = sizes.length - 1;
        double[][] w = new double[count][];
        double[][] b = bias ? new double[count][] : null;
        for (int l = 0; l < count; l++) {
            w[l] = gaussian(sizes[l] * sizes[l + 1], scale, random);
            if (bias) {
                b[l] = gaussian(sizes[l + 1], scale, random);
            }
        }
        return new Network(sizes, requireActivation(activation), bias, w, b);
    }

    /**
     * A network with the given weights (copied).
     *
     * @param biases {@code b0..bL}, or null (or empty) for a network without bias terms
     * @throws IllegalArgumentException naming the first matrix whose shape does not fit {@code layerSizes}
     */
    public static Network of(
            int[] layerSizes, Activation activation, List<RealMatrix> weights, List<RealVector> biases) {
        int[] sizes = checkedSizes(layerSizes);
        int count = sizes.length - 1;
        if (weights == null || weights.size() != count) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(sizes) + " need " + count
                    + " weight matrices W0..W" + (count - 1) + ", got " + (weights == null ? 0 : weights.size()));
        }
        boolean bias = biases != null && !biases.isEmpty();
        if (bias && biases.size() != count) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(sizes) + " need " + count
                    + " bias vectors b0..b" + (count - 1) + ", got " + biases.size());
        }
        double[][] w = new double[count][];
        double[][] b = bias ? new double[count][] : null;
        for (int l = 0; l < count; l++) {
            RealMatrix m = weights.get(l);
            if (m.getRowDimension() != sizes[l] || m.getColumnDimension() != sizes[l + 1]) {
                throw new IllegalArgumentException("W" + l + " is " + m.getRowDimension() + "×" + m.getColumnDimension()
                        + " but layer sizes " + Arrays.toString(sizes) + " need " + sizes[l] + "×" + sizes[l + 1]);
            }
            w[l] = Dense.toRowMajor(m);
            if (bias) {
                RealVector v = biases.get(l);
                if (v.getDimension() != sizes[l + 1]) {
                    throw new IllegalArgumentException("b" + l + " has length " + v.getDimension() + " but layer sizes "
                            + Arrays.toString(sizes) + " need " + sizes[l + 1]);
                }
                b[l] = v.toArray();
            }
        }
        return new Network(sizes, requireActivation(activation), bias, w, b);
    }

    /** A network around the given row-major arrays (not copied; the caller hands them over). */
    static Network ofArrays(int[] layerSizes, Activation activation, double[][] weights, double[][] biases) {
        int[] sizes = checkedSizes(layerSizes);
        if (weights.length != sizes.length - 1 || (biases != null && biases.length != weights.length)) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(sizes) + " need " + (sizes.length - 1)
                    + " weight matrices, got " + weights.length);
        }
        for (int l = 0; l < weights.length; l++) {
            if (weights[l].length != sizes[l] * sizes[l + 1] || (biases != null && biases[l].length != sizes[l + 1])) {
                throw new IllegalArgumentException(
                        "W" + l + " or b" + l + " does not fit layer sizes " + Arrays.toString(sizes));
            }
        }
        return new Network(sizes, requireActivation(activation), biases != null, weights, biases);
    }

    /** Overwrites this network's weights and biases with arrays of the same shapes. */
    void copyFrom(double[][] otherWeights, double[][] otherBiases) {
        for (int l = 0; l < weights.length; l++) {
            System.arraycopy(otherWeights[l], 0, weights[l], 0, weights[l].length);
            if (bias) {
                System.arraycopy(otherBiases[l], 0, biases[l], 0, biases[l].length);
            }
        }
    }

    /** An independent copy: training one does not change the other. */
    public Network copy() {
        double[][] w = new double[weights.length][];
        double[][] b = bias ? new double[weights.length][] : null;
        for (int l = 0; l < weights.length; l++) {
            w[l] = weights[l].clone();
            if (bias) {
                b[l] = biases[l].clone();
            }
        }
        return new Network(layerSizes, activation, bias, w, b);
    }

    public int[] layerSizes() {
        return layerSizes.clone();
    }

    public Activation activation() {
        return activation;
    }

    public boolean hasBias() {
        return bias;
    }

    /** Number of weight matrices, {@code L + 1}. */
    public int depth() {
        return weights.length;
    }

    public int inputWidth() {
        return layerSizes[0];
    }

    public int outputWidth() {
        return layerSizes[layerSizes.length - 1];
    }

    /** Weights plus biases. */
    public long parameterCount() {
        return parameterCount(layerSizes, bias);
    }

    /** The parameter count of a network of these sizes, without building it. */
    public static long parameterCount(int[] layerSizes, boolean bias) {
        long count = 0;
        for (int l = 0; l + 1 < layerSizes.length; l++) {
            count += (long) layerSizes[l] * layerSizes[l + 1] + (bias ? layerSizes[l + 1] : 0);
        }
        return count;
    }

    /** A copy of {@code Wl}. */
    public RealMatrix weight(int l) {
        return Dense.toMatrix(weights[l], layerSizes[l], layerSizes[l + 1]);
    }

    /** Copies of {@code W0..WL}. */
    public List<RealMatrix> weights() {
        List<RealMatrix> out = new ArrayList<>(weights.length);
        for (int l = 0; l < weights.length; l++) {
            out.add(weight(l));
        }
        return Collections.unmodifiableList(out);
    }

    /** Copies of {@code b0..bL}; empty for a network without bias terms. */
    public List<RealVector> biases() {
        if (!bias) {
            return List.of();
        }
        List<RealVector> out = new ArrayList<>(biases.length);
        for (double[] b : biases) {
            out.add(new ArrayRealVector(b));
        }
        return Collections.unmodifiableList(out);
    }

    /** The forward pass with every intermediate matrix, keyed {@code A0, IN0, IN1, A1, …}. */
    public ForwardCache forward(RealMatrix x) {
        Propagation propagation = new Propagation(this, Samples.unlabelled(x));
        propagation.forward();
        return propagation.cache();
    }

    /** {@code Ŷ} for the rows of {@code x}. */
    public RealMatrix predict(RealMatrix x) {
        Propagation propagation = new Propagation(this, Samples.unlabelled(x));
        propagation.forward();
        return propagation.output();
    }

    /** The sum of squared errors of this network's predictions. */
    public double loss(Samples samples) {
        return new Propagation(this, samples).loss();
    }

    /** The loss and its exact gradient with respect to every weight and bias. */
    public LossAndGradient lossAndGradient(Samples samples) {
        Propagation propagation = new Propagation(this, samples);
        double loss = propagation.lossAndGradient();
        return new LossAndGradient(loss, propagation.gradients());
    }

    /** {@code W ← W − alpha·∇W} (and the same for biases), in place. */
    void step(double[][] weightGradients, double[][] biasGradients, double alpha) {
        for (int l = 0; l < weights.length; l++) {
            subtractScaled(weights[l], weightGradients[l], alpha);
            if (bias) {
                subtractScaled(biases[l], biasGradients[l], alpha);
            }
        }
    }

    private static void subtractScaled(double[] target, double[] gradient, double alpha) {
        for (int i = 0; i < target.length; i++) {
            target[i] -= alpha * gradient[i];
        }
    }

    private static double[] gaussian(int length, double scale, RandomGenerator random) {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextGaussian() * scale;
        }
        return values;
    }

    private static int[] checkedSizes(int[] layerSizes) {
        if (layerSizes == null || layerSizes.length < 2) {
            throw new IllegalArgumentException(
                    "layer sizes need an input and an output width, got " + Arrays.toString(layerSizes));
        }
        for (int size : layerSizes) {
            if (size < 1) {
                throw new IllegalArgumentException(
                        "every layer size must be at least 1, got " + Arrays.toString(layerSizes));
            }
        }
        return layerSizes.clone();
    }

    private static Activation requireActivation(Activation activation) {
        if (activation == null) {
            throw new IllegalArgumentException("activation is required");
        }
        return activation;
    }
}
