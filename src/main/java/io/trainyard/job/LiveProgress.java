package io.trainyard.job;

/**
 * The latest point of a running job, published by the training thread for readers on other
 * threads (status requests, event streams).
 *
 * @param iterationsPerSecond null until training has run long enough to measure
 */
record LiveProgress(int iteration, double trainLoss, Double validationLoss, Double testLoss,
        Double iterationsPerSecond) {
}
