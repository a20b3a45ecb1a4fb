package io.trainyard.nn;

/**
 * One point of the history: losses and gradient norms with the weights after {@code iteration}
 * updates (epochs, with mini-batches).
 *
 * @param validationLoss null when the run has no validation set
 * @param testLoss null when the run has no test set
 * @param gradientNorms Frobenius norm of ∂SSE/∂Wl over all training rows, for each layer l
 * @param weightNorms Frobenius norm of each Wl at this point, or null when the producer did not
 *     compute them (reports built with the five-argument constructor)
 */
public record IterationReport(
        int iteration,
        double trainLoss,
        Double validationLoss,
        Double testLoss,
        double[] gradientNorms,
        double[] weightNorms) {

    /** A report without weight norms. */
    public IterationReport(
            int iteration, double trainLoss, Double validationLoss, Double testLoss, double[] gradientNorms) {
        this(iteration, trainLoss, validationLoss, testLoss, gradientNorms, null);
    }

    /**
     * {@code alpha·‖∇Wl‖/‖Wl‖} for each layer: the relative size of a plain gradient step, which
     * is healthy around 1e-3 (Karpathy's rule of thumb). Infinity for an all-zero matrix with a
     * nonzero gradient, NaN when both are zero.
     *
     * @throws IllegalStateException when this report has no weight norms
     */
    public double[] updateRatios(double alpha) {
        if (weightNorms == null) {
            throw new IllegalStateException("this report carries no weight norms");
        }
        double[] ratios = new double[gradientNorms.length];
        for (int l = 0; l < ratios.length; l++) {
            ratios[l] = alpha * gradientNorms[l] / weightNorms[l];
        }
        return ratios;
    }
}
