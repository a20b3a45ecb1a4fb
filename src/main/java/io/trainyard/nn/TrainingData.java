package io.trainyard.nn;

/**
 * What one training run sees: the rows it fits, and optionally a validation set (for choosing
 * between models) and a test set (for reporting), both only ever evaluated.
 *
 * @param validation null when there is no validation set
 * @param test null when there is no test set
 */
public record TrainingData(Samples train, Samples validation, Samples test) {

    public TrainingData {
        if (train == null || train.y == null) {
            throw new IllegalArgumentException("training needs labelled training rows");
        }
        if (train.rows == 0) {
            throw new IllegalArgumentException("training needs at least one training row");
        }
        checkLike(train, validation, "validation");
        checkLike(train, test, "test");
    }

    /** Training rows only. */
    public static TrainingData of(Samples train) {
        return new TrainingData(train, null, null);
    }

    private static void checkLike(Samples train, Samples other, String name) {
        if (other == null) {
            return;
        }
        if (other.y == null) {
            throw new IllegalArgumentException("the " + name + " set needs targets");
        }
        if (other.inputWidth != train.inputWidth || other.outputWidth != train.outputWidth) {
            throw new IllegalArgumentException("the " + name + " set has " + other.inputWidth + " inputs and "
                    + other.outputWidth + " outputs but the training set has " + train.inputWidth + " and "
                    + train.outputWidth);
        }
    }
}
