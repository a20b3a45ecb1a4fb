package io.trainyard.nn;

import org.apache.commons.math3.random.Well19937c;

/** Random data the benchmarks share. */
final class BenchData {

    private BenchData() {}

    /** A rows × cols matrix of standard normal values, row by row from {@code random}. */
    static double[][] gaussian(int rows, int cols, Well19937c random) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m;
    }
}
