package io.trainyard.job;

/**
 * Published when a worker of this instance has stored a job's final status (after the transaction
 * committed): watchers hear of it at once rather than at the next tick.
 */
public record JobFinished(String jobId) {}
