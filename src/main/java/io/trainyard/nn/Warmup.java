package io.trainyard.nn;

import org.apache.commons.math3.random.Well19937c;

/**
 * Throw-away networks for warming the JIT-compiled loops before the first real job arrives. The
 * SIMD kernels are written against the Vector API, which is fast only once C2 has compiled them:
 * before that every vector operation runs as a per-lane Java fallback, dozens of times slower, so
 * the first small job of a fresh process would otherwise spend most of its time warming the JIT
 * (about a second for the README's 5,000-iteration quickstart job).
 */
public final class Warmup {

    private Warmup() {}

    /** A start network and its data, on random numbers. */
    public record Problem(Network start, TrainingData data) {}

    /** The homework shape on the fused small-network path: 400 rows, 5→20→1 sigmoid with bias, 100 test rows. */
    public static Problem homework() {
        return homework(Activation.SIGMOID);
    }

    /** The homework shape with another hidden activation: its vector code is compiled on its own. */
    public static Problem homework(Activation activation) {
        return problem(new int[] {5, 20, 1}, activation, 400, 100);
    }

    /**
     * The homework rows through two hidden layers (5→20→20→1 sigmoid): the kernel's passes between
     * hidden layers, which one hidden layer never runs.
     */
    public static Problem deeper() {
        return problem(new int[] {5, 20, 20, 1}, Activation.SIGMOID, 400, 100);
    }

    /** A shape on the BLAS path (its layers are too wide for the fused kernel): 256 rows, 64→128→1, 64 test rows. */
    public static Problem wide() {
        return problem(new int[] {64, 128, 1}, Activation.SIGMOID, 256, 64);
    }

    private static Problem problem(int[] sizes, Activation activation, int rows, int testRows) {
        Well19937c random = new Well19937c(42);
        Network start = Network.initialize(sizes, activation, true, 0.1, random);
        return new Problem(
                start, new TrainingData(samples(sizes, rows, random), null, samples(sizes, testRows, random)));
    }

    /**
     * Every {@value}th row's first input is {@link #LOUD} times larger. Real jobs' data has such rows
     * and drives some hidden units into saturation; with quiet inputs alone no unit ever saturated, C2
     * compiled the diagnostics' saturation count without its counting branch, and a service's first
     * real job threw that code away ({@code unstable_if} in {@code Diagnostics.saturatedShare}, JFR's
     * {@code jdk.Deoptimization}; docs/benchmarks.md, session 25).
     */
    static final int LOUD_EVERY = 4;

    /** How much larger a loud row's first input is: far enough out to saturate a sigmoid or tanh unit. */
    static final double LOUD = 40;

    private static Samples samples(int[] sizes, int rows, Well19937c random) {
        double[][] x = new double[rows][sizes[0]];
        double[][] y = new double[rows][sizes[sizes.length - 1]];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = random.nextGaussian() * (j == 0 && i % LOUD_EVERY == 0 ? LOUD : 1);
            }
            for (int j = 0; j < y[i].length; j++) {
                y[i][j] = random.nextGaussian();
            }
        }
        return Samples.of(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(x, false),
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(y, false));
    }
}
