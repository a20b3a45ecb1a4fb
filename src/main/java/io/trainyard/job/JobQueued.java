package io.trainyard.job;

/**
 * Published (after the transaction that stored them) when this instance has queued jobs, so that
 * idle workers look at the queue at once instead of at their next poll.
 */
public record JobQueued(int count) {}
