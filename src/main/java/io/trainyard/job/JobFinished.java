package io.trainyard.job;

/**
 * Published when this instance has stored a job's final status (a worker's outcome, or a cancel of
 * a queued job), after the transaction committed: watchers hear of it at once rather than at the next
 * tick.
 */
public record JobFinished(String jobId) {}
