package io.trainyard.nn;

import java.util.Arrays;

/**
 * A {@link TrainingListener} that keeps every point in memory, in primitive arrays. Handy for
 * tests, benchmarks and short runs; a long-running service streams points elsewhere instead.
 */
public final class LossHistory implements TrainingListener {

    private int size;
    private int[] iterations = new int[16];
    private double[] train = new double[16];
    private double[] validation = new double[16];
    private double[] test = new double[16];
    private double[][] gradientNorms = new double[16][];
    private double[][] weightNorms = new double[16][];

    @Override
    public void onIteration(IterationReport report) {
        if (size == iterations.length) {
            int capacity = size * 2;
            iterations = Arrays.copyOf(iterations, capacity);
            train = Arrays.copyOf(train, capacity);
            validation = Arrays.copyOf(validation, capacity);
            test = Arrays.copyOf(test, capacity);
            gradientNorms = Arrays.copyOf(gradientNorms, capacity);
            weightNorms = Arrays.copyOf(weightNorms, capacity);
        }
        iterations[size] = report.iteration();
        train[size] = report.trainLoss();
        validation[size] = report.validationLoss() == null ? Double.NaN : report.validationLoss();
        test[size] = report.testLoss() == null ? Double.NaN : report.testLoss();
        gradientNorms[size] = report.gradientNorms().clone();
        weightNorms[size] =
                report.weightNorms() == null ? null : report.weightNorms().clone();
        size++;
    }

    public int size() {
        return size;
    }

    public int[] iterations() {
        return Arrays.copyOf(iterations, size);
    }

    public double[] train() {
        return Arrays.copyOf(train, size);
    }

    /** NaN where the run had no validation set. */
    public double[] validation() {
        return Arrays.copyOf(validation, size);
    }

    /** NaN where the run had no test set. */
    public double[] test() {
        return Arrays.copyOf(test, size);
    }

    /** {@code gradientNorms()[i][l]}: the norm of ∂SSE/∂Wl at point i. */
    public double[][] gradientNorms() {
        double[][] out = new double[size][];
        for (int i = 0; i < size; i++) {
            out[i] = gradientNorms[i].clone();
        }
        return out;
    }

    /** {@code weightNorms()[i][l]}: the norm of Wl at point i (null rows for reports without them). */
    public double[][] weightNorms() {
        double[][] out = new double[size][];
        for (int i = 0; i < size; i++) {
            out[i] = weightNorms[i] == null ? null : weightNorms[i].clone();
        }
        return out;
    }
}
