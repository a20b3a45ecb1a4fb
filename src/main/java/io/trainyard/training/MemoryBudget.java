package io.trainyard.training;

import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.job.TrainingJob;
import io.trainyard.nn.MemoryEstimate;
import io.trainyard.system.TrainyardProperties;

/**
 * The working memory this instance's training jobs may use together
 * ({@code trainyard.limits.memory-budget}). A worker reserves a job's estimate before it claims the
 * job and gives it back when the job ends; a job that does not fit beside the running ones is left
 * QUEUED (another worker, or this one later, may claim a smaller one meanwhile).
 *
 * <p>Policy: the sum of the running jobs' estimates never exceeds the budget. A job estimated above
 * the whole budget never runs here (it stays QUEUED and is logged; it can be cancelled): submission
 * refuses jobs above {@code max-job-memory}, which by default is half the budget, so only a
 * configuration with {@code max-job-memory} above {@code memory-budget} lets one in. Larger jobs
 * are not favoured: a stream of small jobs can keep a large one waiting, which is the price of never
 * risking an out-of-memory error.
 */
@Component
class MemoryBudget {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MemoryBudget.class);

    private final long budget;
    private final DatasetCatalog datasets;
    private final Map<String, Long> reserved = new HashMap<>();
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    private long total;
    /** A job was refused a reservation since the last release. */
    private boolean turnedAway;

    MemoryBudget(TrainyardProperties properties, DatasetCatalog datasets) {
        this.budget = properties.limits().memoryBudgetBytes();
        this.datasets = datasets;
    }

    /**
     * The working memory {@code job} will need: the estimate made when it was submitted (the same
     * figure the submission was checked against), or, for a job stored before estimates were kept,
     * one made now from its sizes and its data set's rows.
     */
    long estimate(TrainingJob job) {
        Long stored = job.findings().estimatedMemoryBytes();
        if (stored != null) {
            return stored;
        }
        int[] sizes = job.layerSizes().stream().mapToInt(Integer::intValue).toArray();
        long rows;
        try {
            var info = datasets.info(job.spec().dataset());
            rows = (long) info.trainRows() + info.testRows();
        } catch (DatasetNotFoundException e) {
            rows = 0; // the runner fails it with a clear message; it needs no memory meanwhile
        }
        return MemoryEstimate.prediction(sizes, rows) * 2;
    }

    /** Reserves {@code bytes} for {@code jobId}; false when it does not fit beside the running jobs. */
    synchronized boolean tryReserve(String jobId, long bytes) {
        if (bytes > budget - total) {
            turnedAway = true;
            return false;
        }
        reserved.put(jobId, bytes);
        total += bytes;
        return true;
    }

    /** Logs, once per job, that a job will never fit (see the class comment). */
    synchronized void warnIfNeverFits(String jobId, long bytes) {
        if (bytes > budget && warned.size() < 10_000 && warned.add(jobId)) {
            log.warn(
                    "Job {} needs about {} MiB of working memory, more than the whole memory budget of {} MiB "
                            + "(trainyard.limits.memory-budget); it stays queued until cancelled or the budget is raised",
                    jobId,
                    bytes >> 20,
                    budget >> 20);
        }
    }

    /**
     * Gives back what {@code jobId} reserved (nothing when it reserved nothing).
     *
     * @return whether a job was left waiting for memory since the last release: the workers should look
     *     again (asked under the same lock as the refusal, so no refusal slips between the two)
     */
    synchronized boolean release(String jobId) {
        Long bytes = reserved.remove(jobId);
        if (bytes != null) {
            total -= bytes;
        }
        boolean waiting = turnedAway;
        turnedAway = false;
        return waiting;
    }

    /** Bytes reserved by running jobs now. */
    synchronized long reserved() {
        return total;
    }

    long budget() {
        return budget;
    }
}
