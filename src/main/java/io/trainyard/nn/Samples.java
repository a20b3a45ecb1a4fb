package io.trainyard.nn;

import org.apache.commons.math3.linear.RealMatrix;

/**
 * Rows of inputs and, when labelled, their targets, copied once into the row-major layout the
 * engine computes on.
 */
public final class Samples {

    final int rows;
    final int inputWidth;
    final int outputWidth;
    final double[] x;
    /** Null for unlabelled samples. */
    final double[] y;

    private Samples(int rows, int inputWidth, int outputWidth, double[] x, double[] y) {
        this.rows = rows;
        this.inputWidth = inputWidth;
        this.outputWidth = outputWidth;
        this.x = x;
        this.y = y;
    }

    /**
     * Inputs {@code x} (n×d) with targets {@code y} (n×k).
     *
     * @throws IllegalArgumentException when the row counts differ or a set is empty
     */
    public static Samples of(RealMatrix x, RealMatrix y) {
        if (x.getRowDimension() != y.getRowDimension()) {
            throw new IllegalArgumentException(
                    "x has " + x.getRowDimension() + " rows but y has " + y.getRowDimension());
        }
        return new Samples(
                x.getRowDimension(),
                x.getColumnDimension(),
                y.getColumnDimension(),
                Dense.toRowMajor(x),
                Dense.toRowMajor(y));
    }

    /**
     * Zeroed buffers for {@code rows} labelled rows, which a trainer fills with a mini-batch before
     * each pass, so that batches cost no allocation.
     */
    static Samples buffer(int rows, int inputWidth, int outputWidth) {
        return new Samples(
                rows, inputWidth, outputWidth, new double[rows * inputWidth], new double[rows * outputWidth]);
    }

    /** Copies row {@code from} of {@code source} into row {@code to} of this buffer. */
    void copyRow(Samples source, int from, int to) {
        System.arraycopy(source.x, from * inputWidth, x, to * inputWidth, inputWidth);
        System.arraycopy(source.y, from * outputWidth, y, to * outputWidth, outputWidth);
    }

    /** Inputs without targets, for prediction. */
    public static Samples unlabelled(RealMatrix x) {
        return new Samples(x.getRowDimension(), x.getColumnDimension(), 0, Dense.toRowMajor(x), null);
    }

    public int rows() {
        return rows;
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int outputWidth() {
        return outputWidth;
    }

    public RealMatrix x() {
        return Dense.toMatrix(x, rows, inputWidth);
    }

    /** The targets, or null for unlabelled samples. */
    public RealMatrix y() {
        return y == null ? null : Dense.toMatrix(y, rows, outputWidth);
    }
}
