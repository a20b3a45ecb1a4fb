package io.trainyard.history;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.trainyard.system.ReadCacheProperties;

/**
 * The downsampled JSON answers of finished jobs' histories ({@code losses} and {@code gradients} with
 * {@code maxPoints}), serialised, by job and query; bounded by weight and by age. Downsampling a long
 * history and writing its doubles as text is most of what such a read costs, and a dashboard asks the
 * same question again and again.
 *
 * <p>A finished job's history does not change, with one exception: retention prunes it to the coarse
 * level, which {@link HistoryRetention} evicts here after its transaction (another instance's pruning
 * is noticed after at most {@code trainyard.read-cache.ttl}; until then this one answers with the full
 * resolution it read before). A deleted job's entries are never served: every read first finds the
 * job (404 once it is gone) and they expire by themselves. The caller's access is checked on that
 * read, never cached here.
 */
@Component
class FinishedHistories {

    /** The key and the object headers of one entry, roughly. */
    private static final int OVERHEAD_BYTES = 256;

    /** Which answer: the loss columns or the gradient norms. */
    enum Kind {
        LOSSES,
        GRADIENTS
    }

    /** One question about one job's history. */
    record Key(String jobId, Kind kind, int since, int maxPoints) {}

    /** The JSON answer and the resolution its header states. */
    record Answer(byte[] json, Resolution resolution) {}

    private final Cache<Key, Answer> answers;

    FinishedHistories(ReadCacheProperties properties) {
        this.answers = Caffeine.newBuilder()
                .maximumWeight(properties.size().toBytes())
                .weigher((Key key, Answer answer) -> answer.json().length + OVERHEAD_BYTES)
                .expireAfterWrite(properties.ttl())
                .build();
    }

    /** The cached answer, else what {@code read} gives (kept). Only for jobs that have finished. */
    Answer get(Key key, Supplier<Answer> read) {
        return answers.get(key, k -> read.get());
    }

    /** Forgets every answer about the job; call it after its history changed (pruned). */
    void evict(String jobId) {
        answers.asMap().keySet().removeIf(key -> key.jobId().equals(jobId));
    }

    /** How many answers are cached right now (for tests of the bound). */
    long size() {
        answers.cleanUp();
        return answers.estimatedSize();
    }
}
