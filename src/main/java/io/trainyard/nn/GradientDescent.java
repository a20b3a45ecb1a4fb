package io.trainyard.nn;

import java.util.function.BooleanSupplier;

/**
 * Full-batch gradient descent: {@code iterations} steps {@code W ← W − alpha·∇W} on the training
 * rows, reporting the losses and gradient norms before the first and after every step. The plain
 * case of {@link Trainer}; see {@link TrainingPlan} for optimizers, mini-batches and early stopping.
 */
public final class GradientDescent {

    private final double alpha;
    private final int iterations;

    /**
     * @param alpha learning rate, a finite number greater than 0
     * @param iterations number of updates, at least 0
     */
    public GradientDescent(double alpha, int iterations) {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number greater than 0, got " + alpha);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be at least 0, got " + iterations);
        }
        this.alpha = alpha;
        this.iterations = iterations;
    }

    /** Trains a copy of {@code start} without a listener or a way to cancel. */
    public TrainingResult train(Network start, TrainingData data) {
        return train(start, data, TrainingListener.NONE, () -> false);
    }

    /**
     * Trains a copy of {@code start}; {@code start} itself is left as it was.
     *
     * <p>Never throws for a diverging loss: a point whose training, validation or test loss is not a
     * finite number ends the run at once with {@link TrainingResult.Outcome#DIVERGED}, after the
     * listener has seen every finite point (a history, a model and early stopping hold numbers only).
     *
     * @param listener sees history points {@code 0..iterations}, in order
     * @param cancelRequested polled between iterations; true ends the run as
     *     {@link TrainingResult.Outcome#CANCELLED}
     */
    public TrainingResult train(
            Network start, TrainingData data, TrainingListener listener, BooleanSupplier cancelRequested) {
        return new Trainer(TrainingPlan.fullBatch(alpha, iterations)).train(start, data, listener, cancelRequested);
    }

    public double alpha() {
        return alpha;
    }

    public int iterations() {
        return iterations;
    }
}
