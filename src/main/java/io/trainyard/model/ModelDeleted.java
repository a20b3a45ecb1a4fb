package io.trainyard.model;

/**
 * A model's row was deleted, in the transaction that deletes it (listeners run inside it, so what
 * they change commits or rolls back with the delete).
 *
 * @param jobId the job that trained it; null for an imported model
 */
public record ModelDeleted(String modelId, String jobId) {}
