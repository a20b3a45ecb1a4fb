package io.trainyard.nn;

import org.apache.commons.math3.linear.RealMatrix;

/** The least-squares loss {@code SSE = Σ (y − ŷ)²} and its derivative {@code 2(ŷ − y)}. */
public final class LeastSquares {

    private LeastSquares() {
    }

    /** The sum of squared errors between two equally shaped matrices. */
    public static double loss(RealMatrix predicted, RealMatrix target) {
        if (predicted.getRowDimension() != target.getRowDimension()
                || predicted.getColumnDimension() != target.getColumnDimension()) {
            throw new IllegalArgumentException("predictions are " + predicted.getRowDimension() + "×"
                    + predicted.getColumnDimension() + " but targets are " + target.getRowDimension() + "×"
                    + target.getColumnDimension());
        }
        return sse(Dense.toRowMajor(predicted), Dense.toRowMajor(target), predicted.getRowDimension()
                * predicted.getColumnDimension());
    }

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
