package io.trainyard.nn;

import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The input pipeline fitted on training rows and stored with a model: polynomial basis expansion,
 * then optional z-score normalisation. Immutable.
 *
 * <p>Expansion of degree p turns columns {@code x1..xd} into {@code x1..xd, x1²..xd², …, x1^p..xd^p}
 * (no cross terms). Normalisation maps every expanded column to {@code (x − mean) / std} with the
 * training rows' mean and population standard deviation; a constant column has std 0, which is
 * stored as 1 so that it maps to 0 instead of dividing by zero.
 */
public final class Preprocessing {

    /** The largest supported degree; higher powers overflow or drown the other columns. */
    public static final int MAX_BASIS_DEGREE = 10;

    private final int basisDegree;
    private final double[] mean;
    private final double[] std;

    private Preprocessing(int basisDegree, double[] mean, double[] std) {
        if (basisDegree < 1 || basisDegree > MAX_BASIS_DEGREE) {
            throw new IllegalArgumentException(
                    "basis degree must be between 1 and " + MAX_BASIS_DEGREE + ", got " + basisDegree);
        }
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("normalisation needs both mean and std");
        }
        if (mean != null) {
            if (mean.length != std.length || mean.length == 0 || mean.length % basisDegree != 0) {
                throw new IllegalArgumentException(
                        "mean and std must have the same length, a multiple of the basis degree " + basisDegree
                                + "; got " + mean.length + " and " + std.length);
            }
            for (int j = 0; j < mean.length; j++) {
                if (!Double.isFinite(mean[j]) || !Double.isFinite(std[j]) || std[j] <= 0) {
                    throw new IllegalArgumentException("mean must be finite and std finite and positive; column " + j
                            + " has mean " + mean[j] + " and std " + std[j]);
                }
            }
        }
        this.basisDegree = basisDegree;
        this.mean = mean == null ? null : mean.clone();
        this.std = std == null ? null : std.clone();
    }

    /** Raw inputs pass through unchanged. */
    public static Preprocessing identity() {
        return new Preprocessing(1, null, null);
    }

    /** A pipeline with known parameters, e.g. from a stored model. {@code mean}/{@code std} null: no normalisation. */
    public static Preprocessing of(int basisDegree, double[] mean, double[] std) {
        return new Preprocessing(basisDegree, mean, std);
    }

    /** Fits the pipeline on training inputs. */
    public static Preprocessing fit(RealMatrix trainX, int basisDegree, boolean normalize) {
        Preprocessing expansionOnly = new Preprocessing(basisDegree, null, null);
        String overflow = overflow(trainX, basisDegree);
        if (overflow != null) {
            throw new UnusableInputException(overflow);
        }
        if (!normalize) {
            return expansionOnly;
        }
        if (trainX.getRowDimension() == 0) {
            throw new IllegalArgumentException("normalisation needs at least one training row");
        }
        // Column statistics of the expanded inputs, summed row by row in the order of the rows, without
        // holding the expanded matrix (basisDegree times the inputs) in memory.
        double[][] raw = rows(trainX);
        int rows = raw.length;
        int cols = raw[0].length * basisDegree;
        double[] mean = new double[cols];
        double[] lowest = new double[cols];
        double[] highest = new double[cols];
        Arrays.fill(lowest, Double.POSITIVE_INFINITY);
        Arrays.fill(highest, Double.NEGATIVE_INFINITY);
        forEachExpanded(raw, basisDegree, (j, value) -> {
            mean[j] += value;
            lowest[j] = Math.min(lowest[j], value);
            highest[j] = Math.max(highest[j], value);
        });
        boolean[] overflowed = new boolean[cols];
        boolean anyOverflowed = false;
        for (int j = 0; j < cols; j++) {
            mean[j] /= rows;
            overflowed[j] = !Double.isFinite(mean[j]);
            anyOverflowed |= overflowed[j];
        }
        if (anyOverflowed) {
            // The plain sum overflowed: each value divided by the row count first.
            for (int j = 0; j < cols; j++) {
                mean[j] = overflowed[j] ? 0 : mean[j];
            }
            forEachExpanded(raw, basisDegree, (j, value) -> {
                if (overflowed[j]) {
                    mean[j] += value / rows;
                }
            });
        }
        double[] squares = new double[cols];
        forEachExpanded(raw, basisDegree, (j, value) -> {
            double centred = value - mean[j];
            squares[j] += centred * centred;
        });
        double[] std = new double[cols];
        double[] largest = new double[cols];
        anyOverflowed = false;
        for (int j = 0; j < cols; j++) {
            std[j] = Math.sqrt(squares[j] / rows);
            overflowed[j] = !Double.isFinite(std[j]);
            anyOverflowed |= overflowed[j];
        }
        if (anyOverflowed) {
            // The plain sum of squares overflowed: the deviations are divided by the largest one before squaring.
            forEachExpanded(raw, basisDegree, (j, value) -> {
                if (overflowed[j]) {
                    largest[j] = Math.max(largest[j], Math.abs(value - mean[j]));
                    squares[j] = 0;
                }
            });
            forEachExpanded(raw, basisDegree, (j, value) -> {
                if (overflowed[j] && Double.isFinite(largest[j])) {
                    double scaled = (value - mean[j]) / largest[j];
                    squares[j] += scaled * scaled;
                }
            });
            for (int j = 0; j < cols; j++) {
                if (overflowed[j]) {
                    std[j] = Double.isFinite(largest[j]) ? largest[j] * Math.sqrt(squares[j] / rows) : largest[j];
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            if (lowest[j] == highest[j]) {
                // A constant column: its std is 0, whatever the rounding of the mean left. Computed, the mean
                // of 0.1 three times is 0.10000000000000002 and the std 1.4e-17, which would turn the column
                // into an extra bias input on the training rows and multiply any other value by 1e16.
                mean[j] = lowest[j];
                std[j] = 1.0;
            } else if (std[j] == 0.0) {
                std[j] = 1.0; // values that differ by so little (below 1e-154) that their squares underflow
            }
        }
        String unusable = unnormalisable(raw, basisDegree, mean, std);
        if (unusable != null) {
            throw new UnusableInputException(unusable);
        }
        return new Preprocessing(basisDegree, mean, std);
    }

    /**
     * Why this pipeline cannot transform {@code x} into finite numbers (a power of an input beyond the
     * range of a double, or an input so far from the training rows' mean that normalised it is), naming
     * the first offending row and column; null when it can. For rows it was not fitted on: validation
     * and test rows, or training rows under a warm-start model's pipeline. Nothing is allocated.
     *
     * @param x raw inputs, one sample a row, as wide as the rows the pipeline was fitted on
     */
    public String unusableRows(double[][] x) {
        if (basisDegree == 1 && mean == null) {
            return null; // finite raw inputs (every data path checks them) pass through unchanged
        }
        for (int r = 0; r < x.length; r++) {
            int cols = x[r].length;
            for (int c = 0; c < cols; c++) {
                double v = x[r][c];
                double power = v;
                for (int p = 1; p <= basisDegree; p++) {
                    if (p > 1) {
                        power *= v;
                    }
                    if (!Double.isFinite(power)) {
                        return "row " + r + ", column " + c + ": " + v + " to the power " + p + " (basisDegree "
                                + basisDegree + ") is beyond the range of a double (about 1.8e308)";
                    }
                    int j = (p - 1) * cols + c;
                    if (mean != null && !Double.isFinite((power - mean[j]) / std[j])) {
                        return "row " + r + ", column " + c + ": " + v + (p == 1 ? "" : " to the power " + p)
                                + " is so far from the training rows' mean (" + mean[j] + ") for their spread ("
                                + std[j] + ") that normalised it is beyond the range of a double";
                    }
                }
            }
        }
        return null;
    }

    /**
     * @throws UnusableInputException with {@link #unusableRows}'s reason, prefixed by {@code which}
     *     (e.g. "test"), when this pipeline cannot transform {@code x} into finite numbers
     */
    public void requireUsable(double[][] x, String which) {
        String unusable = unusableRows(x);
        if (unusable != null) {
            throw new UnusableInputException(which + " " + unusable);
        }
    }

    /** The first input whose expansion leaves the range of a double, without expanding the matrix; null if none. */
    private static String overflow(RealMatrix x, int basisDegree) {
        if (basisDegree < 2) {
            return null; // no power to take: the loop below would visit every value for nothing
        }
        for (int r = 0; r < x.getRowDimension(); r++) {
            for (int c = 0; c < x.getColumnDimension(); c++) {
                double v = x.getEntry(r, c);
                double power = v;
                for (int p = 2; p <= basisDegree; p++) {
                    power *= v;
                    if (!Double.isFinite(power)) {
                        return "row " + r + ", column " + c + ": " + v + " to the power " + p + " (basisDegree "
                                + basisDegree + ") is beyond the range of a double (about 1.8e308)";
                    }
                }
            }
        }
        return null;
    }

    /** The first column that normalisation cannot map to finite numbers (its spread is too wide); null if none. */
    private static String unnormalisable(double[][] raw, int basisDegree, double[] mean, double[] std) {
        int rawColumns = raw[0].length;
        int[] first = {-1};
        forEachExpanded(raw, basisDegree, (j, value) -> {
            if (first[0] < 0 && !Double.isFinite((value - mean[j]) / std[j])) {
                first[0] = j;
            }
        });
        if (first[0] < 0) {
            return null;
        }
        int power = first[0] / rawColumns + 1;
        return "column " + (first[0] % rawColumns) + (power == 1 ? "" : " to the power " + power)
                + " spreads over more than the range of a double (about 1.8e308), so it cannot be normalised";
    }

    /** What is done with one expanded value: {@code j} is its column in the expanded inputs. */
    @FunctionalInterface
    private interface ExpandedValue {
        void accept(int j, double value);
    }

    /** Every expanded value, row by row, computed exactly as {@link #expand} computes it. */
    private static void forEachExpanded(double[][] raw, int basisDegree, ExpandedValue action) {
        int cols = raw[0].length;
        for (double[] row : raw) {
            for (int c = 0; c < cols; c++) {
                double v = row[c];
                double power = v;
                action.accept(c, v);
                for (int p = 2; p <= basisDegree; p++) {
                    power *= v;
                    action.accept((p - 1) * cols + c, power);
                }
            }
        }
    }

    private static double[][] rows(RealMatrix x) {
        return x instanceof Array2DRowRealMatrix array ? array.getDataRef() : x.getData();
    }

    /** Training inputs that a pipeline cannot be fitted on, or cannot transform into finite numbers. */
    public static final class UnusableInputException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public UnusableInputException(String message) {
            super(message);
        }
    }

    /**
     * The transformed inputs.
     *
     * @throws IllegalArgumentException when {@code x} does not have the width the pipeline was fitted on
     */
    public RealMatrix apply(RealMatrix x) {
        double[][] expanded = expand(x);
        if (mean != null) {
            if (x.getColumnDimension() * basisDegree != mean.length) {
                throw new IllegalArgumentException("x has " + x.getColumnDimension()
                        + " columns but the preprocessing was fitted on " + mean.length / basisDegree);
            }
            for (double[] row : expanded) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (row[j] - mean[j]) / std[j];
                }
            }
        }
        return new Array2DRowRealMatrix(expanded, false);
    }

    private double[][] expand(RealMatrix x) {
        int rows = x.getRowDimension();
        int cols = x.getColumnDimension();
        double[][] out = new double[rows][cols * basisDegree];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = x.getEntry(r, c);
                double power = v;
                out[r][c] = v;
                for (int p = 2; p <= basisDegree; p++) {
                    power *= v;
                    out[r][(p - 1) * cols + c] = power;
                }
            }
        }
        return out;
    }

    /** The network's input width for {@code rawWidth} raw columns. */
    public int expandedWidth(int rawWidth) {
        return rawWidth * basisDegree;
    }

    public int basisDegree() {
        return basisDegree;
    }

    public boolean normalize() {
        return mean != null;
    }

    /** Column means of the expanded training inputs, or null without normalisation. */
    public double[] mean() {
        return mean == null ? null : mean.clone();
    }

    /** Column standard deviations (0 stored as 1), or null without normalisation. */
    public double[] std() {
        return std == null ? null : std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing other
                && basisDegree == other.basisDegree
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(std, other.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * basisDegree + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[basisDegree=" + basisDegree + ", normalize=" + normalize() + "]";
    }
}
