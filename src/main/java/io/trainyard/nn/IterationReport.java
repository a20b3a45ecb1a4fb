package io.trainyard.nn;

/**
 * One point of the history: losses and gradient norms with the weights after {@code iteration}
 * updates.
 *
 * @param validationLoss null when the run has no validation set
 * @param testLoss null when the run has no test set
 * @param gradientNorms Frobenius norm of ∂SSE/∂Wl for each layer l
 */
public record IterationReport(int iteration, double trainLoss, Double validationLoss, Double testLoss,
        double[] gradientNorms) {
}
