package io.trainyard.job;

/**
 * Published when this instance cancelled a job that had not started, after the transaction committed:
 * no worker ends such a job, so this is how its final status is counted in the job metrics.
 */
public record JobCancelledWhileQueued(String jobId) {}
