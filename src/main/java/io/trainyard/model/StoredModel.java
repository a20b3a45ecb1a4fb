package io.trainyard.model;

import java.time.Instant;
import java.util.List;

import io.trainyard.nn.Model;

/**
 * A model kept by the service.
 *
 * @param jobId the job that trained it, or null for an imported model
 * @param inputColumns names of the raw input columns when the training data named them, else null
 * @param outputColumns names of the outputs when the training data named them, else null
 */
public record StoredModel(
        String id,
        String jobId,
        Instant createdAt,
        Model model,
        Double trainLoss,
        Double testLoss,
        Lineage lineage,
        List<String> inputColumns,
        List<String> outputColumns) {}
