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
 */
record JobHistory(
        int[] iteration,
        double[] train,
        double[] validation,
        double[] test,
        double[][] gradientNorms,
        double[][] weightNorms) {

    static JobHistory of(List<HistoryChunk> chunks, int since, int layers) {
        int total = 0;
        for (HistoryChunk chunk : chunks) {
            total += chunk.count();
        }
        boolean hasValidation = !chunks.isEmpty() && chunks.get(0).validation() != null;
        boolean hasTest = !chunks.isEmpty() && chunks.get(0).test() != null;
        int[] iteration = new int[total];
        double[] train = new double[total];
        double[] validation = hasValidation ? new double[total] : null;
        double[] test = hasTest ? new double[total] : null;
        double[][] norms = new double[layers][total];
        double[][] weights = new double[layers][total];
        int n = 0;
        for (HistoryChunk chunk : chunks) {
            for (int i = 0; i < chunk.count(); i++) {
                int it = chunk.firstIteration() + i;
                if (it <= since) {
                    continue;
                }
                iteration[n] = it;
                train[n] = chunk.train()[i];
                if (hasValidation) {
                    validation[n] = chunk.validation()[i];
                }
                if (hasTest) {
                    test[n] = chunk.test()[i];
                }
                for (int l = 0; l < layers; l++) {
                    norms[l][n] = chunk.gradientNorms()[i * chunk.layers() + l];
                    weights[l][n] =
                            chunk.weightNorms() == null ? Double.NaN : chunk.weightNorms()[i * chunk.layers() + l];
                }
                n++;
            }
        }
        return new JobHistory(
                java.util.Arrays.copyOf(iteration, n),
                java.util.Arrays.copyOf(train, n),
                hasValidation ? java.util.Arrays.copyOf(validation, n) : null,
                hasTest ? java.util.Arrays.copyOf(test, n) : null,
                trim(norms, n),
                trim(weights, n));
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
        return new JobHistory(it, tr, va, te, norms, weights);
    }

    /** At most {@code maxPoints} points that keep the shape of the given curve. */
    JobHistory downsample(int maxPoints, double[] shape) {
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
        return select(Downsampling.largestTriangleThreeBuckets(x, y, maxPoints));
    }

    private static double[][] trim(double[][] norms, int n) {
        double[][] out = new double[norms.length][];
        for (int l = 0; l < norms.length; l++) {
            out[l] = java.util.Arrays.copyOf(norms[l], n);
        }
        return out;
    }
}
