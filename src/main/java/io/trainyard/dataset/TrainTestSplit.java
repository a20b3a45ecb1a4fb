package io.trainyard.dataset;

import java.util.Arrays;

import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.util.MathArrays;

import io.trainyard.system.InvalidRequestException;

/**
 * Rows held out by a seeded shuffle — the test set of an upload, or the validation set of a job: the
 * same rows, fraction and seed always give the same split, so a data set uploaded twice (or a job
 * retrained) trains the same way twice. Both parts keep the original row order. This is the only
 * place rows are split.
 *
 * @param testX the held-out rows; null when the fraction is 0
 */
public record TrainTestSplit(double[][] trainX, double[][] trainY, double[][] testX, double[][] testY) {

    /**
     * @param fraction share of the rows moved to the test set, in [0, 1); 0 keeps every row for training
     * @throws InvalidRequestException when the fraction is out of range, moves less than one row, or
     *     leaves no row to train on
     */
    public static TrainTestSplit of(double[][] x, double[][] y, double fraction, long seed) {
        return of(x, y, fraction, seed, "testFraction");
    }

    /** The same, naming {@code field} (e.g. {@code validationFraction}) in its errors. */
    public static TrainTestSplit of(double[][] x, double[][] y, double fraction, long seed, String field) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new InvalidRequestException(field, "must be at least 0 and less than 1, got " + fraction);
        }
        int rows = x.length;
        int testRows = heldOutRows(rows, fraction);
        if (fraction == 0) {
            return new TrainTestSplit(x, y, null, null);
        }
        if (testRows == 0) {
            throw new InvalidRequestException(
                    field, fraction + " of " + rows + " rows is less than one row; use a larger fraction or 0");
        }
        if (testRows >= rows) {
            throw new InvalidRequestException(
                    field, fraction + " of " + rows + " rows moves every row out; no rows are left for training");
        }
        int[] order = MathArrays.natural(rows);
        MathArrays.shuffle(order, new Well19937c(seed));
        int[] test = Arrays.copyOfRange(order, 0, testRows);
        int[] train = Arrays.copyOfRange(order, testRows, rows);
        Arrays.sort(test);
        Arrays.sort(train);
        return new TrainTestSplit(pick(x, train), pick(y, train), pick(x, test), pick(y, test));
    }

    /** How many of {@code rows} rows a fraction holds out. */
    public static int heldOutRows(int rows, double fraction) {
        return (int) Math.round(rows * fraction);
    }

    private static double[][] pick(double[][] source, int[] index) {
        double[][] out = new double[index.length][];
        for (int i = 0; i < index.length; i++) {
            out[i] = source[index[i]];
        }
        return out;
    }
}
