package io.trainyard.nn;

import org.apache.commons.math3.random.Well19937c;

/**
 * Trains two throw-away networks so that the JIT has compiled the engine's hot loops before the
 * first real job arrives. The SIMD kernels are written against the Vector API, which is fast only
 * once C2 has compiled them: before that every vector operation runs as a per-lane Java fallback,
 * dozens of times slower, so the first small job of a fresh process would otherwise spend most of
 * its time warming the JIT (about a second for the README's 5,000-iteration quickstart job).
 */
public final class Warmup {

    private Warmup() {}

    /**
     * Runs the fused small-network path (400 rows, 5→20→1, with a test set) and the BLAS path (256
     * rows, 64→128→1) for {@code iterations} and a tenth of that, on random data.
     *
     * @return the iterations run in all
     */
    public static int run(int iterations) {
        int small = train(new int[] {5, 20, 1}, 400, 100, iterations);
        int wide = train(new int[] {64, 128, 1}, 256, 64, Math.max(1, iterations / 10));
        return small + wide;
    }

    private static int train(int[] sizes, int rows, int testRows, int iterations) {
        Well19937c random = new Well19937c(42);
        Network start = Network.initialize(sizes, Activation.SIGMOID, true, 0.1, random);
        TrainingData data = new TrainingData(samples(sizes, rows, random), null, samples(sizes, testRows, random));
        TrainingResult result = new GradientDescent(1e-6, iterations).train(start, data);
        return result.updates();
    }

    private static Samples samples(int[] sizes, int rows, Well19937c random) {
        double[][] x = new double[rows][sizes[0]];
        double[][] y = new double[rows][sizes[sizes.length - 1]];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = random.nextGaussian();
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
