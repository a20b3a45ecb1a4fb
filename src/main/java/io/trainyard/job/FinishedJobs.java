package io.trainyard.job;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.trainyard.model.ModelDeleted;
import io.trainyard.security.Caller;
import io.trainyard.system.ReadCacheProperties;

import tools.jackson.databind.json.JsonMapper;

/**
 * Finished jobs by id, each with its {@code GET /jobs/{id}} answer already serialised, bounded by
 * weight and by age: polling a finished job (the usual end of a client's wait) costs neither a
 * database read nor a serialisation.
 *
 * <p>Caching is safe because a finished job hardly changes: SUCCEEDED, FAILED and CANCELLED have no
 * way out in the transition table, and the move into them closes the attempt in the same
 * transaction, so once the row reads finished, so do its attempts. What can still change is its
 * {@code modelId}, which becomes null when the model is deleted, and the row itself, by a delete.
 * Either on this instance evicts the entry after the change commits (and Caffeine makes the eviction
 * wait for a load of the same id in flight, so the load cannot put the old row back); on another
 * instance sharing PostgreSQL it is noticed when the entry expires, after at most
 * {@code trainyard.read-cache.ttl}. Jobs still queued or running are never cached: each read
 * asks the database (and this instance's live progress) as before.
 *
 * <p>What is cached is the job and its owner, never an access decision: the caller is checked against
 * the owner on every request.
 */
@Component
public class FinishedJobs {

    /** The job row's own fields (spec, outcome) beside its JSON: small, roughly. */
    private static final int OVERHEAD_BYTES = 2048;

    private final JobService jobs;
    private final JsonMapper json;
    private final Cache<String, Entry> entries;

    FinishedJobs(JobService jobs, JsonMapper json, ReadCacheProperties properties) {
        this.jobs = jobs;
        this.json = json;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(properties.size().toBytes())
                .weigher((String id, Entry entry) -> entry.json().length + OVERHEAD_BYTES)
                .expireAfterWrite(properties.ttl())
                .build();
    }

    /**
     * A job as {@code GET /jobs/{id}} answers it.
     *
     * @param job the job, visible to the caller
     * @param json its answer serialised, once finished; null while it is queued or running (describe
     *     it afresh: its progress moves)
     */
    record Entry(TrainingJob job, byte[] json) {}

    /**
     * The job, when the caller may see it, finished or not (see {@link JobService#get}).
     *
     * @throws JobNotFoundException when there is no such job, or it belongs to another owner
     */
    public TrainingJob get(String id) {
        return read(id).job();
    }

    /** The job and, once it has finished, its serialised answer; see {@link #get}. */
    Entry read(String id) {
        TrainingJob[] unfinished = new TrainingJob[1];
        Entry cached = entries.get(id, key -> load(key, unfinished));
        if (cached == null) {
            return new Entry(unfinished[0], null);
        }
        if (!Caller.current().sees(cached.job().owner())) {
            // The same answer as for a missing job, as JobService.get gives.
            throw new JobNotFoundException(id);
        }
        return cached;
    }

    /** Reads the job as the caller; keeps it only once finished (null tells Caffeine to keep nothing). */
    private Entry load(String id, TrainingJob[] unfinished) {
        TrainingJob job = jobs.get(id);
        if (!job.status().isTerminal()) {
            unfinished[0] = job;
            return null;
        }
        return new Entry(job, json.writeValueAsBytes(jobs.describe(job)));
    }

    /** Forgets the job; call it after its row is deleted. */
    void evict(String id) {
        entries.invalidate(id);
    }

    /** The job that trained a deleted model names it no more, once the delete has committed. */
    @TransactionalEventListener(fallbackExecution = true)
    void modelDeleted(ModelDeleted deleted) {
        if (deleted.jobId() != null) {
            evict(deleted.jobId());
        }
    }

    /** How many finished jobs are cached right now (for tests of the bound). */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
