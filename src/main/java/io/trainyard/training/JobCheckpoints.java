package io.trainyard.training;

import java.util.Optional;
import java.util.OptionalInt;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.trainyard.job.JobCancelledWhileQueued;

/**
 * The latest checkpoint of each job: the engine's encoded {@code TrainingState} (weights, biases,
 * optimizer and generator state, iteration, early-stopping state), one row per job, replaced by
 * the next. Writes are made inside a transaction that first took the job row with its fencing
 * token ({@link JobClaims#recordProgress}, {@link JobClaims#hold}), so a worker that lost its claim
 * cannot store one.
 */
@Repository
class JobCheckpoints {

    private final JdbcClient jdbc;

    JobCheckpoints(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored checkpoint: the history point it was taken at, and the encoded state. */
    record Checkpoint(int iteration, byte[] state) {}

    /** Replaces the job's checkpoint; call inside the fenced transaction. */
    void save(String jobId, int iteration, byte[] state) {
        // Delete then insert rather than a dialect-specific upsert: the job row's lock serialises writers.
        delete(jobId);
        jdbc.sql(
                        "INSERT INTO job_checkpoints (job_id, iteration, state, created_at) VALUES (:job, :iteration, :state, CURRENT_TIMESTAMP)")
                .param("job", jobId)
                .param("iteration", iteration)
                .param("state", state)
                .update();
        // The attempt got further than where it started: the interruptions so far are no longer "in a row".
        jdbc.sql("UPDATE jobs SET stalled_attempts = 0 WHERE id = :job AND stalled_attempts <> 0")
                .param("job", jobId)
                .update();
    }

    /** The iteration of the job's checkpoint, without reading its state (which can be large). */
    OptionalInt iteration(String jobId) {
        return jdbc.sql("SELECT iteration FROM job_checkpoints WHERE job_id = :job")
                .param("job", jobId)
                .query(Integer.class)
                .optional()
                .map(OptionalInt::of)
                .orElse(OptionalInt.empty());
    }

    Optional<Checkpoint> find(String jobId) {
        return jdbc.sql("SELECT iteration, state FROM job_checkpoints WHERE job_id = :job")
                .param("job", jobId)
                .query((rs, row) -> new Checkpoint(rs.getInt("iteration"), rs.getBytes("state")))
                .optional();
    }

    /** A job cancelled while queued may have been handed back or re-queued with a checkpoint: nothing resumes it now. */
    @EventListener
    void cancelledWhileQueued(JobCancelledWhileQueued event) {
        deleteOfEnded(event.jobId());
    }

    /**
     * Deletes the checkpoint of a job that has just ended (FAILED or CANCELLED, in this transaction)
     * without a run's result to say early stopping's verdict: cancelled in the queue after a hand-back,
     * cancelled or failed by recovery, or a failure outside the run. Its best point so far, which only
     * the checkpoint still knows, is recorded first with {@code stopped_early} false (the run did not
     * stop early: it was stopped), unless the job has a verdict already. The best as of the
     * checkpoint: points its lost attempt stored after it are not in the engine's state.
     */
    void deleteOfEnded(String jobId) {
        find(jobId).ifPresent(checkpoint -> {
            Integer best;
            try {
                best = StoredCheckpoint.state(checkpoint.state()).bestIteration();
            } catch (IllegalArgumentException unreadable) {
                best = null; // a checkpoint nothing could resume says nothing either
            }
            if (best != null) {
                jdbc.sql("UPDATE jobs SET stopped_early = FALSE, best_iteration = :best WHERE id = :job "
                                + "AND status IN ('FAILED', 'CANCELLED') AND best_iteration IS NULL")
                        .param("best", best)
                        .param("job", jobId)
                        .update();
            }
        });
        delete(jobId);
    }

    void delete(String jobId) {
        jdbc.sql("DELETE FROM job_checkpoints WHERE job_id = :job")
                .param("job", jobId)
                .update();
    }
}
