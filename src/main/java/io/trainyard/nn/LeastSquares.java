package io.trainyard.nn;

/** The least-squares loss {@code SSE = Σ (y − ŷ)²} and its derivative {@code 2(ŷ − y)}. */
public final class LeastSquares {

    private LeastSquares() {}

    static double sse(double[] predicted, double[] target, int length) {
        double sum = 0.0;
        for (int i = 0; i < length; i++) {
            double e = predicted[i] - target[i];
            sum += e * e;
        }
        return sum;
    }

    /** {@code ∂SSE/∂Ŷ = 2(Ŷ − Y)}. */
    static void outputDelta(double[] predicted, double[] target, double[] delta, int length) {
        for (int i = 0; i < length; i++) {
            delta[i] = 2.0 * (predicted[i] - target[i]);
        }
    }
}
