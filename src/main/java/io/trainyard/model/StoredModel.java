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
 * @param owner the name of the key it belongs to (a trained model: its job's owner); null on a model
 *     not read back from the store
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
        List<String> outputColumns,
        String owner) {

    /** A model about to be stored: the store gives a trained one its job's owner. */
    public StoredModel(
            String id,
            String jobId,
            Instant createdAt,
            Model model,
            Double trainLoss,
            Double testLoss,
            Lineage lineage,
            List<String> inputColumns,
            List<String> outputColumns) {
        this(id, jobId, createdAt, model, trainLoss, testLoss, lineage, inputColumns, outputColumns, null);
    }
}
