package io.trainyard.nn;

import java.util.Locale;

/**
 * How a gradient {@code g} (of the SSE, at step {@code t = 1, 2, …}) changes a weight matrix or
 * bias vector; the same rule for every one of them. Each run keeps its own {@link OptimizerState}
 * (velocities, moments, the step counter), created by {@link #newState}, and updates the network
 * in place without allocating.
 */
public sealed interface Optimizer permits Optimizer.Gd, Optimizer.Momentum, Optimizer.Adam {

    /** The name used in job specs: {@code gd}, {@code momentum} or {@code adam}. */
    String id();

    /** Per-parameter buffers each parameter needs: 0 (gd), 1 (momentum's v), 2 (adam's m and v). */
    int slots();

    /** Zeroed state for a network of these sizes (step counter 0). */
    default OptimizerState newState(int[] layerSizes, boolean bias) {
        return new OptimizerState(this, layerSizes, bias);
    }

    /** Plain gradient descent, {@code W ← W − alpha·g}. */
    static Optimizer gd() {
        return new Gd();
    }

    /** Momentum with the default {@code beta = 0.9}. */
    static Optimizer momentum() {
        return new Momentum(Momentum.DEFAULT_BETA);
    }

    /** Adam with the defaults {@code beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8}. */
    static Optimizer adam() {
        return new Adam(Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
    }

    /** {@code W ← W − alpha·g}. */
    record Gd() implements Optimizer {
        @Override
        public String id() {
            return "gd";
        }

        @Override
        public int slots() {
            return 0;
        }
    }

    /** {@code v ← beta·v + g; W ← W − alpha·v}, v starting at 0. */
    record Momentum(double beta) implements Optimizer {
        public static final double DEFAULT_BETA = 0.9;

        /** @throws IllegalArgumentException unless {@code 0 <= beta < 1} */
        public Momentum {
            checkDecay("momentum beta", beta);
        }

        @Override
        public String id() {
            return "momentum";
        }

        @Override
        public int slots() {
            return 1;
        }
    }

    /**
     * {@code m ← beta1·m + (1 − beta1)·g; v ← beta2·v + (1 − beta2)·g²;
     * W ← W − alpha·(m / (1 − beta1^t)) / (sqrt(v / (1 − beta2^t)) + epsilon)}, element-wise,
     * m and v starting at 0.
     */
    record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
        public static final double DEFAULT_BETA1 = 0.9;
        public static final double DEFAULT_BETA2 = 0.999;
        public static final double DEFAULT_EPSILON = 1e-8;

        /** @throws IllegalArgumentException unless both betas are in [0, 1) and epsilon is finite and above 0 */
        public Adam {
            checkDecay("adam beta1", beta1);
            checkDecay("adam beta2", beta2);
            if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
                throw new IllegalArgumentException(
                        "adam epsilon must be a finite number greater than 0, got " + epsilon);
            }
        }

        @Override
        public String id() {
            return "adam";
        }

        @Override
        public int slots() {
            return 2;
        }
    }

    /**
     * The optimizer named {@code id} (case-insensitive) with its default parameters.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    static Optimizer withDefaults(String id) {
        return switch (id == null ? "" : id.toLowerCase(Locale.ROOT)) {
            case "gd" -> gd();
            case "momentum" -> momentum();
            case "adam" -> adam();
            default ->
                throw new IllegalArgumentException("unknown optimizer '" + id + "'; use one of [gd, momentum, adam]");
        };
    }

    private static void checkDecay(String name, double value) {
        // 1 would never forget a gradient (and makes adam's bias correction divide by zero).
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be at least 0 and below 1, got " + value);
        }
    }
}
