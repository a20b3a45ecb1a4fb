package io.trainyard.nn;

import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The three matrix products backpropagation needs, on row-major {@code double[]} buffers.
 *
 * <p>Every output element is accumulated in one fixed order that does not depend on how the work is
 * split, so results are bit-identical however many threads run. Loops are ordered so that the
 * innermost one walks contiguous memory, which the JIT turns into SIMD code.
 */
final class Dense {

    private Dense() {
    }

    /**
     * {@code C = A·B (+ bias on every row)} with A n×d, B d×h, C n×h. {@code bias} may be null.
     */
    static void multiply(double[] a, double[] b, double[] bias, double[] c, int n, int d, int h) {
        for (int i = 0; i < n; i++) {
            int ci = i * h;
            if (bias == null) {
                Arrays.fill(c, ci, ci + h, 0.0);
            } else {
                System.arraycopy(bias, 0, c, ci, h);
            }
            int ai = i * d;
            for (int p = 0; p < d; p++) {
                double aip = a[ai + p];
                int bp = p * h;
                for (int j = 0; j < h; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
    }

    /** {@code C = Aᵀ·D} with A n×d, D n×h, C d×h: the weight gradient. */
    static void multiplyTransposedLeft(double[] a, double[] delta, double[] c, int n, int d, int h) {
        Arrays.fill(c, 0, d * h, 0.0);
        for (int i = 0; i < n; i++) {
            int ai = i * d;
            int di = i * h;
            for (int p = 0; p < d; p++) {
                double aip = a[ai + p];
                int cp = p * h;
                for (int j = 0; j < h; j++) {
                    c[cp + j] += aip * delta[di + j];
                }
            }
        }
    }

    /** {@code C = D·Wᵀ} with D n×h, W d×h, C n×d: the error sent one layer down. */
    static void multiplyTransposedRight(double[] delta, double[] w, double[] c, int n, int d, int h) {
        for (int i = 0; i < n; i++) {
            int di = i * h;
            int ci = i * d;
            for (int p = 0; p < d; p++) {
                int wp = p * h;
                double sum = 0.0;
                for (int j = 0; j < h; j++) {
                    sum += delta[di + j] * w[wp + j];
                }
                c[ci + p] = sum;
            }
        }
    }

    /** Sum over rows: the bias gradient, length h. */
    static void columnSums(double[] delta, double[] sums, int n, int h) {
        Arrays.fill(sums, 0, h, 0.0);
        for (int i = 0; i < n; i++) {
            int di = i * h;
            for (int j = 0; j < h; j++) {
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
        return Math.sqrt(sum);
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
