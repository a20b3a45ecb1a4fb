package io.trainyard.model;

import java.util.UUID;

import org.springframework.stereotype.Service;

import io.trainyard.system.PageCursor;
import io.trainyard.system.Timestamps;
import io.trainyard.nn.Model;

/** Keeps trained and imported models. */
@Service
public class ModelService {

    private final ModelRepository repository;

    ModelService(ModelRepository repository) {
        this.repository = repository;
    }

    /** Stores a model and returns it with its new id. */
    public StoredModel save(String jobId, Model model, Double trainLoss, Double testLoss) {
        StoredModel stored = new StoredModel(UUID.randomUUID().toString(), jobId, Timestamps.now(), model, trainLoss,
                testLoss);
        repository.insert(stored);
        return stored;
    }

    /**
     * The model with this id.
     *
     * @throws ModelNotFoundException when there is none
     */
    public StoredModel get(String id) {
        return repository.find(id).orElseThrow(() -> new ModelNotFoundException(id));
    }

    java.util.List<ModelDocument> page(PageCursor after, int limit) {
        return repository.page(after, limit);
    }

    void delete(String id) {
        if (!repository.delete(id)) {
            throw new ModelNotFoundException(id);
        }
    }
}
