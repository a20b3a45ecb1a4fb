package io.trainyard.history;

import java.util.Arrays;
import java.util.List;

/**
 * The coarse level of a job's history: for every stored batch, at most {@link #POINTS_PER_BATCH}
 * of its points (one more where retention adds early stopping's best point): the highest and lowest
 * point of the train loss, of the summed gradient norms and of the validation and test losses where
 * there are any, and the rest chosen half to keep the shape of the train loss and half that of the summed
 * gradient norms (largest-triangle-three-buckets on the log of each), so that both the losses and
 * the gradients endpoints downsample from it without losing a spike either of them would show.
 * A batch of 4,096 points is summarised by 32: a downsampled read of a million-point history reads
 * about 8,000 points instead of a million.
 */
final class CoarseLevel {

    static final int POINTS_PER_BATCH = 32;

    private CoarseLevel() {}

    /**
     * One batch's kept points.
     *
     * @param pointCount points of the full-resolution batch
     * @param gradientNorms row-major {@code iterations.length × layers}
     * @param weightNorms row-major like {@code gradientNorms}; null when the batch had none (stored
     *     before weight norms were kept) or the row predates V9
     */
    record Row(
            String jobId,
            int firstIteration,
            int pointCount,
            int layers,
            int[] iterations,
            double[] train,
            double[] validation,
            double[] test,
            double[] gradientNorms,
            double[] weightNorms) {}

    /** The coarse row of {@code chunk}; a batch of at most {@link #POINTS_PER_BATCH} points is kept whole. */
    static Row of(HistoryChunk chunk) {
        int[] keep = keep(chunk);
        int layers = chunk.layers();
        int[] iterations = new int[keep.length];
        double[] train = new double[keep.length];
        double[] validation = chunk.validation() == null ? null : new double[keep.length];
        double[] test = chunk.test() == null ? null : new double[keep.length];
        double[] norms = new double[keep.length * layers];
        double[] weights = chunk.weightNorms() == null ? null : new double[keep.length * layers];
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            iterations[k] = chunk.firstIteration() + i;
            train[k] = chunk.train()[i];
            if (validation != null) {
                validation[k] = chunk.validation()[i];
            }
            if (test != null) {
                test[k] = chunk.test()[i];
            }
            System.arraycopy(chunk.gradientNorms(), i * layers, norms, k * layers, layers);
            if (weights != null) {
                System.arraycopy(chunk.weightNorms(), i * layers, weights, k * layers, layers);
            }
        }
        return new Row(
                chunk.jobId(),
                chunk.firstIteration(),
                chunk.count(),
                layers,
                iterations,
                train,
                validation,
                test,
                norms,
                weights);
    }

    /**
     * The same row also keeping point {@code index} of its full batch {@code chunk} (in order), when
     * it did not already: early stopping's best point, whose losses a restored model holds, outlives
     * the full resolution this way.
     */
    static Row withPoint(Row row, HistoryChunk chunk, int index) {
        int iteration = chunk.firstIteration() + index;
        int at = Arrays.binarySearch(row.iterations(), iteration);
        if (at >= 0) {
            return row;
        }
        int insert = -at - 1;
        int layers = row.layers();
        return new Row(
                row.jobId(),
                row.firstIteration(),
                row.pointCount(),
                layers,
                inserted(row.iterations(), insert, iteration),
                inserted(row.train(), insert, chunk.train(), index, 1),
                row.validation() == null ? null : inserted(row.validation(), insert, chunk.validation(), index, 1),
                row.test() == null ? null : inserted(row.test(), insert, chunk.test(), index, 1),
                inserted(row.gradientNorms(), insert, chunk.gradientNorms(), index, layers),
                row.weightNorms() == null || chunk.weightNorms() == null
                        ? row.weightNorms()
                        : inserted(row.weightNorms(), insert, chunk.weightNorms(), index, layers));
    }

    private static int[] inserted(int[] values, int at, int value) {
        int[] out = new int[values.length + 1];
        System.arraycopy(values, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(values, at, out, at + 1, values.length - at);
        return out;
    }

    /** {@code values} (rows of {@code width}) with row {@code index} of {@code source} inserted as row {@code at}. */
    private static double[] inserted(double[] values, int at, double[] source, int index, int width) {
        double[] out = new double[values.length + width];
        System.arraycopy(values, 0, out, 0, at * width);
        System.arraycopy(source, index * width, out, at * width, width);
        System.arraycopy(values, at * width, out, (at + 1) * width, values.length - at * width);
        return out;
    }

    private static int[] keep(HistoryChunk chunk) {
        int n = chunk.count();
        if (n <= POINTS_PER_BATCH) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        double[] x = new double[n];
        double[] loss = new double[n];
        double[] gradient = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            loss[i] = log(chunk.train()[i]);
            double sum = 0;
            for (int l = 0; l < chunk.layers(); l++) {
                sum += chunk.gradientNorms()[i * chunk.layers() + l];
            }
            gradient[i] = log(sum);
        }
        // Each curve's highest and lowest point, then the triangles for the rest of its shape. Buckets
        // of 100+ points let a short early spike lose to a point on the long descent after it (a loss
        // 3× its start at iteration 3 was dropped), and what the coarse level drops is gone for good.
        // Validation's and test's extremes too: a downsampled read keeps each curve's lowest and highest
        // point, and reads from here (a curve's lowest point is the lowest of some batch's).
        java.util.stream.IntStream.Builder extremesOf = java.util.stream.IntStream.builder()
                .add(Downsampling.argMax(loss))
                .add(Downsampling.argMin(loss))
                .add(Downsampling.argMax(gradient))
                .add(Downsampling.argMin(gradient));
        int count = 4;
        for (double[] curve : new double[][] {chunk.validation(), chunk.test()}) {
            if (curve != null) {
                extremesOf.add(Downsampling.argMax(curve)).add(Downsampling.argMin(curve));
                count += 2;
            }
        }
        int half = (POINTS_PER_BATCH - count) / 2;
        int[] byLoss = Downsampling.largestTriangleThreeBuckets(x, loss, half);
        int[] byGradient = Downsampling.largestTriangleThreeBuckets(x, gradient, half);
        int[] extremes = extremesOf.build().toArray();
        return java.util.stream.IntStream.concat(
                        java.util.stream.IntStream.concat(Arrays.stream(byLoss), Arrays.stream(byGradient)),
                        Arrays.stream(extremes))
                .distinct()
                .sorted()
                .toArray();
    }

    private static double log(double value) {
        return Math.log10(Math.max(value, 1e-300));
    }

    /**
     * The kept points with iteration greater than {@code since}, as columns.
     *
     * @param resolution what the job still stores: FULL when this is only a shortcut for a downsampled
     *     read, COARSE when the full-resolution batches are gone
     */
    static JobHistory history(List<Row> rows, int since, int layers, Resolution resolution) {
        int total = 0;
        for (Row row : rows) {
            total += row.iterations().length;
        }
        boolean hasValidation = !rows.isEmpty() && rows.get(0).validation() != null;
        boolean hasTest = !rows.isEmpty() && rows.get(0).test() != null;
        int[] iteration = new int[total];
        double[] train = new double[total];
        double[] validation = hasValidation ? new double[total] : null;
        double[] test = hasTest ? new double[total] : null;
        double[][] norms = new double[layers][total];
        double[][] weights = new double[layers][total];
        int n = 0;
        for (Row row : rows) {
            for (int k = 0; k < row.iterations().length; k++) {
                if (row.iterations()[k] <= since) {
                    continue;
                }
                iteration[n] = row.iterations()[k];
                train[n] = row.train()[k];
                if (hasValidation) {
                    validation[n] = row.validation()[k];
                }
                if (hasTest) {
                    test[n] = row.test()[k];
                }
                for (int l = 0; l < layers; l++) {
                    norms[l][n] = row.gradientNorms()[k * row.layers() + l];
                    // Weight norms (and so update ratios) are unknown for rows stored without them.
                    weights[l][n] = row.weightNorms() == null ? Double.NaN : row.weightNorms()[k * row.layers() + l];
                }
                n++;
            }
        }
        double[][] trimmed = new double[layers][];
        double[][] trimmedWeights = new double[layers][];
        for (int l = 0; l < layers; l++) {
            trimmed[l] = Arrays.copyOf(norms[l], n);
            trimmedWeights[l] = Arrays.copyOf(weights[l], n);
        }
        return new JobHistory(
                Arrays.copyOf(iteration, n),
                Arrays.copyOf(train, n),
                hasValidation ? Arrays.copyOf(validation, n) : null,
                hasTest ? Arrays.copyOf(test, n) : null,
                trimmed,
                trimmedWeights,
                resolution);
    }
}
