package io.trainyard.nn;

/**
 * Everything that decides how a run trains, beside the network and the data.
 *
 * @param alpha learning rate, finite and greater than 0
 * @param iterations full-batch steps, or epochs with mini-batches; at least 0
 * @param optimizer the update rule; never null ({@link Optimizer#gd()} for plain descent)
 * @param batchSize rows per mini-batch, at least 1, or null for full batch; a batch size at least
 *     the number of training rows is full batch too
 * @param earlyStopping null to always run every iteration
 * @param seed starts the SplitMix64 generator that orders mini-batches (unused for full batch)
 */
public record TrainingPlan(
        double alpha, int iterations, Optimizer optimizer, Integer batchSize, EarlyStopping earlyStopping, long seed) {

    public TrainingPlan {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number greater than 0, got " + alpha);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be at least 0, got " + iterations);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer is required (gd for plain gradient descent)");
        }
        if (batchSize != null && batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
    }

    /** Plain full-batch gradient descent: what {@link GradientDescent} runs. */
    public static TrainingPlan fullBatch(double alpha, int iterations) {
        return new TrainingPlan(alpha, iterations, Optimizer.gd(), null, null, 0L);
    }

    public TrainingPlan withOptimizer(Optimizer optimizer) {
        return new TrainingPlan(alpha, iterations, optimizer, batchSize, earlyStopping, seed);
    }

    /** Mini-batches of {@code batchSize} rows, in an order drawn from {@code seed}. */
    public TrainingPlan withBatches(Integer batchSize, long seed) {
        return new TrainingPlan(alpha, iterations, optimizer, batchSize, earlyStopping, seed);
    }

    public TrainingPlan withEarlyStopping(EarlyStopping earlyStopping) {
        return new TrainingPlan(alpha, iterations, optimizer, batchSize, earlyStopping, seed);
    }

    /** Whether a run on {@code rows} training rows uses mini-batches (drawing a permutation each epoch). */
    public boolean miniBatches(int rows) {
        return batchSize != null && batchSize < rows;
    }
}
