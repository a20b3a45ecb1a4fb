package io.trainyard.history;

import java.util.List;

/**
 * A job's history points after some iteration, unpacked from its stored batches into columns.
 *
 * @param validation null when the job has no validation set
 * @param test null when the job has no test set
 * @param gradientNorms {@code gradientNorms[l][i]}: the norm of ∂SSE/∂Wl at point i
 * @param weightNorms {@code weightNorms[l][i]}: the norm of Wl at point i; NaN for points stored
 *     before weight norms were kept
 * @param resolution what the job's stored history still holds (not how these points were chosen)
 */
record JobHistory(
        int[] iteration,
        double[] train,
        double[] validation,
        double[] test,
        double[][] gradientNorms,
        double[][] weightNorms,
        Resolution resolution) {

    static JobHistory of(List<HistoryChunk> chunks, int since, int layers) {
        int total = 0;
        for (HistoryChunk chunk : chunks) {
            total += chunk.count();
        }
        boolean hasValidation = !chunks.isEmpty() && chunks.get(0).validation() != null;
        boolean hasTest = !chunks.isEmpty() && chunks.get(0).test() != null;
        // Sized for every stored point at once: these chunks are already in memory, so no growing.
        Builder points = new Builder(Math.max(1, total), layers, hasValidation, hasTest);
        for (HistoryChunk chunk : chunks) {
            // Points after `since` only (long: since may be as large as an int goes).
            int first = (int) Math.min(chunk.count(), Math.max(0, (long) since + 1 - chunk.firstIteration()));
            for (int i = first; i < chunk.count(); i++) {
                points.add(chunk, i);
            }
        }
        return points.build();
    }

    int size() {
        return iteration.length;
    }

    /** The points at these indices only. */
    JobHistory select(int[] keep) {
        int[] it = new int[keep.length];
        double[] tr = new double[keep.length];
        double[] va = validation == null ? null : new double[keep.length];
        double[] te = test == null ? null : new double[keep.length];
        double[][] norms = new double[gradientNorms.length][keep.length];
        double[][] weights = new double[gradientNorms.length][keep.length];
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            it[k] = iteration[i];
            tr[k] = train[i];
            if (va != null) {
                va[k] = validation[i];
            }
            if (te != null) {
                te[k] = test[i];
            }
            for (int l = 0; l < norms.length; l++) {
                norms[l][k] = gradientNorms[l][i];
                weights[l][k] = weightNorms[l][i];
            }
        }
        return new JobHistory(it, tr, va, te, norms, weights, resolution);
    }

    /**
     * At most {@code maxPoints} points that keep the shape of the given curve and the highest and lowest
     * point of it and of each of {@code others} ({@link Downsampling#keepingExtremes(double[], double[], int,
     * double[][])}).
     */
    JobHistory downsample(int maxPoints, double[] shape, double[]... others) {
        if (maxPoints >= size()) {
            return this;
        }
        double[] x = new double[size()];
        double[] y = new double[size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = iteration[i];
            // Loss curves fall over decades: compare shapes on a log scale so the tail is not flattened away.
            y[i] = Math.log10(Math.max(shape[i], 1e-300));
        }
        return select(Downsampling.keepingExtremes(x, y, maxPoints, others));
    }

    private static double[][] trim(double[][] norms, int n) {
        double[][] out = new double[norms.length][];
        for (int l = 0; l < norms.length; l++) {
            out[l] = java.util.Arrays.copyOf(norms[l], n);
        }
        return out;
    }

    /** Collects points one at a time (e.g. the ones a streamed downsampling keeps), growing as needed. */
    static final class Builder {

        private final int layers;
        private final boolean hasValidation;
        private final boolean hasTest;
        private int n;
        private int[] iteration;
        private double[] train;
        private double[] validation;
        private double[] test;
        private double[][] norms;
        private double[][] weights;

        Builder(int layers, boolean hasValidation, boolean hasTest, int expected) {
            this(Math.max(1, Math.min(expected, 1024)), layers, hasValidation, hasTest);
        }

        private Builder(int capacity, int layers, boolean hasValidation, boolean hasTest) {
            this.layers = layers;
            this.hasValidation = hasValidation;
            this.hasTest = hasTest;
            iteration = new int[capacity];
            train = new double[capacity];
            validation = hasValidation ? new double[capacity] : null;
            test = hasTest ? new double[capacity] : null;
            norms = new double[layers][capacity];
            weights = new double[layers][capacity];
        }

        /** Point {@code i} of {@code chunk}. */
        void add(HistoryChunk chunk, int i) {
            if (n == iteration.length) {
                grow();
            }
            iteration[n] = chunk.firstIteration() + i;
            train[n] = chunk.train()[i];
            if (hasValidation) {
                validation[n] = chunk.validation() == null ? Double.NaN : chunk.validation()[i];
            }
            if (hasTest) {
                test[n] = chunk.test() == null ? Double.NaN : chunk.test()[i];
            }
            for (int l = 0; l < layers; l++) {
                norms[l][n] = chunk.gradientNorms()[i * chunk.layers() + l];
                weights[l][n] = chunk.weightNorms() == null ? Double.NaN : chunk.weightNorms()[i * chunk.layers() + l];
            }
            n++;
        }

        /**
         * Puts points added out of order (a streamed downsampling's highest and lowest point, decided at
         * its end) where they belong; points come in order otherwise, and then nothing moves.
         */
        private void sortByIteration() {
            boolean sorted = true;
            for (int k = 1; k < n && sorted; k++) {
                sorted = iteration[k - 1] < iteration[k];
            }
            if (sorted) {
                return;
            }
            Integer[] order = new Integer[n];
            for (int k = 0; k < n; k++) {
                order[k] = k;
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparingInt(k -> iteration[k]));
            iteration = permuted(iteration, order);
            train = permuted(train, order);
            validation = hasValidation ? permuted(validation, order) : null;
            test = hasTest ? permuted(test, order) : null;
            for (int l = 0; l < layers; l++) {
                norms[l] = permuted(norms[l], order);
                weights[l] = permuted(weights[l], order);
            }
        }

        private static int[] permuted(int[] values, Integer[] order) {
            int[] out = new int[values.length];
            for (int k = 0; k < order.length; k++) {
                out[k] = values[order[k]];
            }
            return out;
        }

        private static double[] permuted(double[] values, Integer[] order) {
            double[] out = new double[values.length];
            for (int k = 0; k < order.length; k++) {
                out[k] = values[order[k]];
            }
            return out;
        }

        private void grow() {
            int capacity = iteration.length * 2;
            iteration = java.util.Arrays.copyOf(iteration, capacity);
            train = java.util.Arrays.copyOf(train, capacity);
            validation = hasValidation ? java.util.Arrays.copyOf(validation, capacity) : null;
            test = hasTest ? java.util.Arrays.copyOf(test, capacity) : null;
            for (int l = 0; l < layers; l++) {
                norms[l] = java.util.Arrays.copyOf(norms[l], capacity);
                weights[l] = java.util.Arrays.copyOf(weights[l], capacity);
            }
        }

        JobHistory build() {
            sortByIteration();
            return new JobHistory(
                    java.util.Arrays.copyOf(iteration, n),
                    java.util.Arrays.copyOf(train, n),
                    hasValidation ? java.util.Arrays.copyOf(validation, n) : null,
                    hasTest ? java.util.Arrays.copyOf(test, n) : null,
                    trim(norms, n),
                    trim(weights, n),
                    Resolution.FULL);
        }
    }
}
