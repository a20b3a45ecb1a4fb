package io.trainyard.dataset;

import java.time.Duration;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Data sent inline with a job, as decoded when the request was parsed, so that this instance's
 * workers train on it without reading it back from the database and decoding it again: for a small
 * job that read is a noticeable share of its fixed cost.
 *
 * <p>Caching is safe because stored data sets never change (rows are only inserted and deleted).
 * An entry is added only once the transaction that stored its row has committed, so a rolled-back
 * submission leaves nothing behind; a delete on this instance evicts it. What is not here (another
 * instance stored it, this one restarted, or the entry was evicted) is read from the database as
 * before, so the cache only ever saves time. Bounded by the bytes of numbers it holds and by idle
 * time: data waiting long in a queue is read back when its job finally starts.
 *
 * <p>What is cached is the data set and its owner, never an access decision.
 */
@Component
class InlineDataCache {

    /** Bytes of numbers kept at most: a few hundred homework-sized jobs, a handful of large ones. */
    static final long MAX_BYTES = 64L * 1024 * 1024;
    /** An entry not read for this long goes: its job has started (or waits long enough not to mind a read). */
    static final Duration IDLE = Duration.ofMinutes(5);

    /** A data set and the owner it was stored for. */
    record Entry(Dataset dataset, String owner) {}

    private final Cache<String, Entry> entries;

    InlineDataCache() {
        this(MAX_BYTES, IDLE);
    }

    InlineDataCache(long maxBytes, Duration idle) {
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, Entry entry) -> weight(entry.dataset()))
                .expireAfterAccess(idle)
                .executor(Runnable::run)
                .build();
    }

    /** Keeps {@code dataset} once the current transaction commits (at once outside a transaction). */
    void putAfterCommit(Dataset dataset, String owner) {
        Entry entry = new Entry(dataset, owner);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    entries.put(dataset.id(), entry);
                }
            });
        } else {
            entries.put(dataset.id(), entry);
        }
    }

    Optional<Entry> get(String id) {
        return Optional.ofNullable(entries.getIfPresent(id));
    }

    /** Forgets the data set; call it after its row is deleted. */
    void evict(String id) {
        entries.invalidate(id);
    }

    /** How many data sets are kept (for tests; Caffeine may evict an overweight entry a moment later). */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** The bytes of numbers a decoded data set holds, plus a row header per row. */
    static int weight(Dataset d) {
        long bytes = bytes(d.trainX())
                + bytes(d.trainY())
                + bytes(d.testX())
                + bytes(d.testY())
                + bytes(d.validationX())
                + bytes(d.validationY());
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long bytes(double[][] rows) {
        if (rows == null) {
            return 0;
        }
        // Each row is its own array: 16 bytes of header beside its numbers.
        return rows.length * (16L + (rows.length == 0 ? 0 : rows[0].length) * (long) Double.BYTES);
    }
}
