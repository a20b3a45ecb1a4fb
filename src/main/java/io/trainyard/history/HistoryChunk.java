package io.trainyard.history;

/**
 * Consecutive history points of one job, as written in one batch.
 *
 * @param validation null when the job has no validation set
 * @param test null when the job has no test set
 * @param gradientNorms row-major {@code count × layers}
 */
public record HistoryChunk(String jobId, int firstIteration, int count, int layers, double[] train, double[] validation,
        double[] test, double[] gradientNorms) {
}
