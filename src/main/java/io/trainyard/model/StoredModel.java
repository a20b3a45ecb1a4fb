package io.trainyard.model;

import java.time.Instant;

import io.trainyard.nn.Model;

/**
 * A model kept by the service.
 *
 * @param jobId the job that trained it, or null for an imported model
 */
public record StoredModel(String id, String jobId, Instant createdAt, Model model, Double trainLoss,
        Double testLoss) {
}
