package io.trainyard.nn;

import java.util.function.BooleanSupplier;

/**
 * Full-batch gradient descent: {@code iterations} steps {@code W ← W − alpha·∇W} on the training
 * rows, reporting the losses and gradient norms before the first and after every step.
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
     * <p>Never throws for a diverging loss: a non-finite training loss ends the run at once with
     * {@link TrainingResult.Outcome#DIVERGED}, after the listener has seen every finite point.
     *
     * @param listener sees history points {@code 0..iterations}, in order
     * @param cancelRequested polled between iterations; true ends the run as
     *     {@link TrainingResult.Outcome#CANCELLED}
     */
    public TrainingResult train(Network start, TrainingData data, TrainingListener listener,
            BooleanSupplier cancelRequested) {
        Network network = start.copy();
        Propagation train = new Propagation(network, data.train());
        Propagation validation = data.validation() == null ? null : new Propagation(network, data.validation());
        Propagation test = data.test() == null ? null : new Propagation(network, data.test());
        IterationReport last = null;
        for (int iteration = 0; ; iteration++) {
            double trainLoss = train.lossAndGradient();
            if (!Double.isFinite(trainLoss)) {
                return new TrainingResult(TrainingResult.Outcome.DIVERGED, iteration, network, last,
                        "diverged at iteration " + iteration + ": train loss is " + trainLoss);
            }
            double[] norms = new double[network.depth()];
            train.gradientNorms(norms);
            last = new IterationReport(iteration, trainLoss,
                    validation == null ? null : validation.loss(),
                    test == null ? null : test.loss(), norms);
            listener.onIteration(last);
            if (iteration == iterations) {
                return new TrainingResult(TrainingResult.Outcome.COMPLETED, iterations, network, last, null);
            }
            // Checked here, between a reported point and the next step, so that a cancelled run's
            // weights are exactly those of its last history point.
            if (cancelRequested.getAsBoolean()) {
                return new TrainingResult(TrainingResult.Outcome.CANCELLED, iteration, network, last,
                        "cancelled after " + iteration + " of " + iterations + " iterations");
            }
            network.step(train.weightGradients(), train.biasGradients(), alpha);
        }
    }

    public double alpha() {
        return alpha;
    }

    public int iterations() {
        return iterations;
    }
}
