package io.trainyard.history;

/**
 * A job's losses at one history point.
 *
 * @param validation null without a validation set
 * @param test null without test rows
 */
public record LossPoint(int iteration, double train, Double validation, Double test) {}
