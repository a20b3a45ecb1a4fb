package io.trainyard.nn;

import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Small helpers on row-major {@code double[]} buffers; the matrix products themselves are in
 * {@link Gemm}.
 */
final class Dense {

    private Dense() {}

    /** Sum over rows: the bias gradient, length h. */
    static void columnSums(double[] delta, double[] sums, int n, int h) {
        columnSums(delta, sums, n, h, 0, h);
    }

    /**
     * The sums over rows of columns {@code from..to-1} only. Each column is summed alone, row 0 first,
     * so any cut of the columns gives the bits of the whole.
     */
    static void columnSums(double[] delta, double[] sums, int n, int h, int from, int to) {
        Arrays.fill(sums, from, to, 0.0);
        for (int i = 0; i < n; i++) {
            int di = i * h;
            for (int j = from; j < to; j++) {
                sums[j] += delta[di + j];
            }
        }
    }

    /** Square root of the sum of squares of the first {@code length} values. */
    static double frobeniusNorm(double[] values, int length) {
        double sum = 0.0;
        for (int i = 0; i < length; i++) {
            sum += values[i] * values[i];
        }
        if (sum == Double.POSITIVE_INFINITY || sum < 0x1p-900) {
            // The squares overflowed (an entry beyond 1.3e154: a norm of 3e154 came out as Infinity on a
            // diverging run) or lost their bits in the subnormal range: scaled by the largest entry
            // instead. Only there, so that every other norm keeps its bits.
            return scaledNorm(values, length);
        }
        return Math.sqrt(sum);
    }

    /** ‖values‖ as max·‖values/max‖: finite whenever the norm is; NaN stays NaN, an infinite entry gives Infinity. */
    private static double scaledNorm(double[] values, int length) {
        double max = 0.0;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, Math.abs(values[i]));
        }
        if (max == 0.0 || max == Double.POSITIVE_INFINITY || Double.isNaN(max)) {
            return max;
        }
        double sum = 0.0;
        for (int i = 0; i < length; i++) {
            double scaled = values[i] / max;
            sum += scaled * scaled;
        }
        return max * Math.sqrt(sum);
    }

    /** Copies a matrix into a new row-major array. */
    static double[] toRowMajor(RealMatrix m) {
        int rows = m.getRowDimension();
        int cols = m.getColumnDimension();
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                out[r * cols + col] = m.getEntry(r, col);
            }
        }
        return out;
    }

    /** Wraps a copy of a row-major array as a {@code RealMatrix}. */
    static RealMatrix toMatrix(double[] values, int rows, int cols) {
        double[][] data = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values, r * cols, data[r], 0, cols);
        }
        return new Array2DRowRealMatrix(data, false);
    }
}
