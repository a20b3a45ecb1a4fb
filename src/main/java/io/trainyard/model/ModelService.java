package io.trainyard.model;

import java.util.UUID;

import org.springframework.stereotype.Service;

import io.trainyard.security.Caller;
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
        repository.insert(stored, Caller.current().name());
        return stored;
    }

    /**
     * The model with this id.
     *
     * @throws ModelNotFoundException when there is none
     */
    public StoredModel get(String id) {
        // Another owner's model answers exactly as an unknown one, also as a warm start inside a job spec.
        return repository.find(id, Caller.current().onlyOwner()).orElseThrow(() -> new ModelNotFoundException(id));
    }

    java.util.List<ModelDocument> page(String owner, PageCursor after, int limit) {
        return repository.page(Caller.current().ownerFilter(owner), after, limit);
    }

    void delete(String id) {
        if (!repository.delete(id, Caller.current().onlyOwner())) {
            throw new ModelNotFoundException(id);
        }
    }
}
