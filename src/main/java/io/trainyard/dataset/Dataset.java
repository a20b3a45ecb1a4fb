package io.trainyard.dataset;

import java.time.Instant;
import java.util.List;

/**
 * A regression data set: training rows and optionally test rows, inputs {@code x} and targets
 * {@code y} as rectangular arrays of finite numbers.
 *
 * @param columns input column names, then target column names
 * @param testX null when the data set has no test rows
 * @param validationX null when the data set has no validation part of its own (jobs may then split
 *     one off their training rows with {@code validationFraction})
 * @param listed false for data sent inline with a job (stored for retraining, not listed)
 */
public record Dataset(
        String id,
        String name,
        List<String> columns,
        double[][] trainX,
        double[][] trainY,
        double[][] testX,
        double[][] testY,
        double[][] validationX,
        double[][] validationY,
        boolean builtIn,
        boolean listed,
        Instant createdAt) {

    public int features() {
        return trainX[0].length;
    }

    public int targets() {
        return trainY[0].length;
    }

    public int trainRows() {
        return trainX.length;
    }

    public int testRows() {
        return testX == null ? 0 : testX.length;
    }

    public int validationRows() {
        return validationX == null ? 0 : validationX.length;
    }

    public boolean hasValidation() {
        return validationX != null && validationX.length > 0;
    }

    /** What it is; the owner is not part of the numbers, so it is null here (see {@link DatasetInfo#ownedBy}). */
    public DatasetInfo info() {
        return new DatasetInfo(
                id,
                name,
                columns,
                features(),
                targets(),
                trainRows(),
                testRows(),
                validationRows(),
                builtIn,
                createdAt,
                null);
    }

    public boolean hasTest() {
        return testX != null && testX.length > 0;
    }
}
