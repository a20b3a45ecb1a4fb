package io.trainyard.model;

import java.util.Optional;
import java.util.function.Function;

import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.trainyard.nn.Model;

/**
 * Decoded models by id, each with its owner, bounded by weight and by age.
 *
 * <p>Caching is safe because a stored model never changes: {@link ModelRepository} only inserts rows
 * (always under a fresh id: importing or retraining makes a new model, it never replaces one) and
 * deletes them. So an entry can only be wrong in one way, by outliving its row: a delete on this
 * instance evicts it (after the row is gone, and Caffeine makes the eviction wait for a load of the
 * same id in flight, so the load cannot put the deleted model back); a delete on another instance
 * sharing PostgreSQL is noticed when the entry expires, after at most {@code ttl}. Misses are not
 * cached, so a model stored by another instance is found at once.
 *
 * <p>What is cached is the model and its owner, never an access decision: the caller is checked
 * against the owner on every request.
 */
@Component
class ModelCache {

    /** Lineage, names and object headers of one model, roughly: small beside any real weights. */
    private static final long OVERHEAD_BYTES = 4096;

    private final Cache<String, ModelRepository.Owned> models;

    ModelCache(ModelCacheProperties properties) {
        this.models = Caffeine.newBuilder()
                .maximumWeight(properties.size().toBytes())
                .weigher((String id, ModelRepository.Owned owned) ->
                        weight(owned.model().model()))
                .expireAfterWrite(properties.ttl())
                .build();
    }

    /** The cached model, else what {@code load} finds (kept when it finds one). */
    Optional<ModelRepository.Owned> get(String id, Function<String, Optional<ModelRepository.Owned>> load) {
        return Optional.ofNullable(models.get(id, key -> load.apply(key).orElse(null)));
    }

    /** Forgets the model; call it after its row is deleted. */
    void evict(String id) {
        models.invalidate(id);
    }

    /** The bytes a decoded model holds: its parameters and its preprocessing's means and deviations. */
    static int weight(Model model) {
        long doubles = model.parameterCount() + (model.preprocessing().normalize() ? 2L * model.layerSizes()[0] : 0);
        return (int) Math.min(Integer.MAX_VALUE, doubles * Double.BYTES + OVERHEAD_BYTES);
    }
}
