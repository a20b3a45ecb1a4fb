package io.trainyard.history;

/**
 * Consecutive history points of one job, as written in one batch.
 *
 * @param validation null when the job has no validation set
 * @param test null when the job has no test set
 * @param gradientNorms row-major {@code count × layers}
 * @param weightNorms the Frobenius norm of each Wl, row-major {@code count × layers}; null when unknown
 */
public record HistoryChunk(
        String jobId,
        int firstIteration,
        int count,
        int layers,
        double[] train,
        double[] validation,
        double[] test,
        double[] gradientNorms,
        double[] weightNorms) {

    /** A chunk without weight norms. */
    public HistoryChunk(
            String jobId,
            int firstIteration,
            int count,
            int layers,
            double[] train,
            double[] validation,
            double[] test,
            double[] gradientNorms) {
        this(jobId, firstIteration, count, layers, train, validation, test, gradientNorms, null);
    }
}
