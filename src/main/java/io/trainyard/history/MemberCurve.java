package io.trainyard.history;

/**
 * One job's loss history as columns, for a chart that compares the jobs of a sweep.
 *
 * @param validation null without a validation set
 * @param test null without test rows
 */
public record MemberCurve(String jobId, int[] iteration, double[] train, double[] validation, double[] test) {}
