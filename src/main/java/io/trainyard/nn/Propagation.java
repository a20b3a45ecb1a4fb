package io.trainyard.nn;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.math3.linear.RealMatrix;

/**
 * Forward and backward passes of one network over one set of samples, with every buffer allocated
 * once up front so that repeated passes (one per training iteration) allocate nothing.
 */
final class Propagation {

    private final Network network;
    private final Samples samples;
    private final int[] sizes;
    private final int n;
    private final int last;
    /** {@code in[l]}, l = 1..L: pre-activations of hidden layer l (n × sizes[l]). */
    private final double[][] in;
    /** {@code act[0]} is X; {@code act[l]}, l = 1..L: activations of hidden layer l. */
    private final double[][] act;
    /** {@code Ŷ}, n × k. */
    private final double[] output;
    /** {@code delta[l]}: ∂SSE/∂IN(l+1), n × sizes[l+1]; allocated only when gradients are asked for. */
    private double[][] delta;

    private double[][] weightGradients;
    private double[][] biasGradients;
    /** Non-null when every layer is small: then it runs the passes and the buffers above hold only copies. */
    private final SmallNetworkKernel fused;

    Propagation(Network network, Samples samples) {
        if (samples.inputWidth != network.inputWidth()) {
            throw new IllegalArgumentException("x has " + samples.inputWidth
                    + " columns but the network's input width is " + network.inputWidth());
        }
        if (samples.y != null && samples.outputWidth != network.outputWidth()) {
            throw new IllegalArgumentException("y has " + samples.outputWidth
                    + " columns but the network's output width is " + network.outputWidth());
        }
        this.network = network;
        this.samples = samples;
        this.sizes = network.layerSizes();
        this.n = samples.rows;
        this.last = sizes.length - 2;
        this.in = new double[last + 1][];
        this.act = new double[last + 1][];
        act[0] = samples.x;
        for (int l = 1; l <= last; l++) {
            in[l] = new double[n * sizes[l]];
            // With the identity activation A(l) is IN(l): share the buffer instead of copying it.
            act[l] = network.activation() == Activation.NONE ? in[l] : new double[n * sizes[l]];
        }
        this.output = new double[n * sizes[last + 1]];
        this.fused = SmallNetworkKernel.fits(sizes) ? new SmallNetworkKernel(network, samples) : null;
    }

    /** Computes {@code Ŷ} and every hidden layer's IN and A. */
    void forward() {
        if (fused != null) {
            fused.forward();
            fused.copyForwardTo(in, act, output);
            return;
        }
        double[][] w = network.weights;
        double[][] b = network.biases;
        Activation activation = network.activation();
        for (int l = 0; l <= last; l++) {
            double[] bias = b == null ? null : b[l];
            if (l == last) {
                Gemm.forward(act[l], w[l], bias, output, output, null, n, sizes[l], sizes[l + 1]);
            } else {
                Gemm.forward(act[l], w[l], bias, in[l + 1], act[l + 1], activation, n, sizes[l], sizes[l + 1]);
            }
        }
    }

    /** Forward pass, then the sum of squared errors. */
    double loss() {
        requireTargets();
        if (fused != null) {
            return fused.loss();
        }
        forward();
        return LeastSquares.sse(output, samples.y, output.length);
    }

    /** Forward and backward pass: returns the loss, leaves the gradients in this workspace. */
    double lossAndGradient() {
        requireTargets();
        if (delta == null) {
            allocateGradients();
        }
        if (fused != null) {
            return fused.lossAndGradient(weightGradients, biasGradients);
        }
        forward();
        double[] y = samples.y;
        double sse = LeastSquares.sse(output, y, output.length);
        LeastSquares.outputDelta(output, y, delta[last], output.length);
        double[][] w = network.weights;
        Activation activation = network.activation();
        for (int l = last; l >= 0; l--) {
            Gemm.weightGradient(act[l], delta[l], weightGradients[l], n, sizes[l], sizes[l + 1]);
            if (biasGradients != null) {
                Gemm.columnSums(delta[l], biasGradients[l], n, sizes[l + 1]);
            }
            if (l > 0) {
                Gemm.backward(delta[l], w[l], delta[l - 1], in[l], act[l], activation, n, sizes[l], sizes[l + 1]);
            }
        }
        return sse;
    }

    /**
     * A full-batch point of a training run: the training pass with its gradient, and the losses of
     * the validation and test sets at the same weights. When all three run in the fused kernel they
     * are one round of its shards (one hand-over to the helpers, the big training shards first);
     * otherwise one pass after the other. Either way the same bits as three separate passes.
     */
    static final class Point {
        private final Propagation train;
        private final Propagation validation;
        private final Propagation test;
        private final SmallNetworkKernel[] others;
        private final SmallNetworkKernel.Joint task;
        private final double[] losses;
        private double validationLoss = Double.NaN;
        private double testLoss = Double.NaN;

        Point(Propagation train, Propagation validation, Propagation test) {
            this.train = train;
            this.validation = validation;
            this.test = test;
            java.util.List<SmallNetworkKernel> kernels = new java.util.ArrayList<>();
            boolean fused = train.fused != null;
            for (Propagation other : new Propagation[] {validation, test}) {
                if (other != null) {
                    fused &= other.fused != null;
                    kernels.add(other.fused);
                }
            }
            this.others = fused ? kernels.toArray(new SmallNetworkKernel[0]) : null;
            this.task = fused ? train.fused.jointTask(others) : null;
            this.losses = new double[kernels.size()];
        }

        /** Runs the point's passes; returns the training loss. */
        double run() {
            train.requireTargets();
            if (train.delta == null) {
                train.allocateGradients();
            }
            if (task == null) {
                double loss = train.lossAndGradient();
                validationLoss = validation == null ? Double.NaN : validation.loss();
                testLoss = test == null ? Double.NaN : test.loss();
                return loss;
            }
            double loss =
                    train.fused.lossAndGradientWith(others, task, train.weightGradients, train.biasGradients, losses);
            validationLoss = validation == null ? Double.NaN : losses[0];
            testLoss = test == null ? Double.NaN : losses[validation == null ? 0 : 1];
            return loss;
        }

        /**
         * Which loss of the last {@link #run} is not a finite number, e.g. "test loss is Infinity"
         * (the training loss first); null when every one is.
         */
        String notFinite(double trainLoss) {
            if (!Double.isFinite(trainLoss)) {
                return "train loss is " + trainLoss;
            }
            if (validation != null && !Double.isFinite(validationLoss)) {
                return "validation loss is " + validationLoss + " (train loss " + trainLoss + ")";
            }
            if (test != null && !Double.isFinite(testLoss)) {
                return "test loss is " + testLoss + " (train loss " + trainLoss + ")";
            }
            return null;
        }

        /** The validation loss of the last {@link #run}, null without a validation set. */
        Double validationLoss() {
            return validation == null ? null : validationLoss;
        }

        /** The test loss of the last {@link #run}, null without a test set. */
        Double testLoss() {
            return test == null ? null : testLoss;
        }
    }

    private void requireTargets() {
        if (samples.y == null) {
            throw new IllegalArgumentException("the loss needs targets; these samples have none");
        }
    }

    private void allocateGradients() {
        delta = new double[last + 1][];
        weightGradients = new double[last + 1][];
        biasGradients = network.hasBias() ? new double[last + 1][] : null;
        for (int l = 0; l <= last; l++) {
            delta[l] = new double[n * sizes[l + 1]];
            weightGradients[l] = new double[sizes[l] * sizes[l + 1]];
            if (biasGradients != null) {
                biasGradients[l] = new double[sizes[l + 1]];
            }
        }
    }

    /** {@code A(l)} of the last forward pass, l = 1..L (row-major n × sizes[l]); {@code A(0)} is X. */
    double[] activations(int l) {
        if (fused != null) {
            // The fused kernel keeps its own (transposed) buffers; bring them over only when asked.
            fused.copyForwardTo(in, act, output);
        }
        return act[l];
    }

    /**
     * The samples' rows were rewritten in place (a mini-batch refilled); the fused kernel, which keeps
     * a transposed copy of X and Y, takes them up again.
     */
    void samplesChanged() {
        if (fused != null) {
            fused.reload(samples);
        }
    }

    int rows() {
        return n;
    }

    double[][] weightGradients() {
        return weightGradients;
    }

    double[][] biasGradients() {
        return biasGradients;
    }

    /** Frobenius norms of the weight gradients, written into {@code norms}. */
    void gradientNorms(double[] norms) {
        for (int l = 0; l <= last; l++) {
            norms[l] = Dense.frobeniusNorm(weightGradients[l], weightGradients[l].length);
        }
    }

    Gradients gradients() {
        double[][] w = new double[last + 1][];
        double[][] b = biasGradients == null ? null : new double[last + 1][];
        for (int l = 0; l <= last; l++) {
            w[l] = weightGradients[l].clone();
            if (b != null) {
                b[l] = biasGradients[l].clone();
            }
        }
        return new Gradients(sizes, w, b);
    }

    RealMatrix output() {
        return Dense.toMatrix(output, n, sizes[last + 1]);
    }

    ForwardCache cache() {
        Map<String, RealMatrix> entries = new LinkedHashMap<>();
        RealMatrix x = Dense.toMatrix(act[0], n, sizes[0]);
        entries.put("A0", x);
        entries.put("IN0", x);
        for (int l = 1; l <= last; l++) {
            entries.put("IN" + l, Dense.toMatrix(in[l], n, sizes[l]));
            entries.put("A" + l, Dense.toMatrix(act[l], n, sizes[l]));
        }
        return new ForwardCache(entries, output());
    }
}
