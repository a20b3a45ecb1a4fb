package io.trainyard.training;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.history.HistoryChunk;
import io.trainyard.history.HistoryRepository;
import io.trainyard.job.JobAttempt;
import io.trainyard.job.JobStatus;
import io.trainyard.job.JobStatusGate;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.TrainingJob;
import io.trainyard.system.Rows;

/**
 * The training side's writes to the jobs table: claims, heartbeats, progress and outcomes.
 *
 * <p><b>Fencing.</b> A claim's token is the job's {@code version} right after the claim. Every
 * status move bumps the version, and nothing else does, so while a worker's claim stands the row
 * still carries its token; the moment the job is recovered, handed back, cancelled or re-claimed
 * it does not. Every write a worker makes about its job carries {@code version = :token AND
 * status = 'RUNNING'} in the same statement (or, for history and checkpoints, is made in the
 * transaction that first updates the job row with that condition, which locks it), so a worker
 * that lost its claim changes nothing.
 *
 * <p><b>Clocks.</b> Heartbeats are stamped with the database's {@code CURRENT_TIMESTAMP}, and the
 * expiry cutoff is computed from the database's clock too ({@link #databaseNow()}), so instances
 * with skewed clocks agree on which claims expired.
 *
 * <p><b>Attempts.</b> Each claim opens a {@code job_attempts} row keyed by its token, in the claim's
 * transaction; the row is closed (outcome, end time) in the same transaction as the status move that
 * ends the claim: finish, hand-back, or a recovery (then {@code lost}). So the attempt list and the
 * job's status never disagree, and a stale worker, whose status moves match no row, closes nothing.
 * Each closed attempt, and each move back to the queue, is counted in {@link JobMetrics} once its
 * transaction commits: here, where every such move is made, so no path escapes the count.
 */
@Repository
class JobClaims {

    private static final int MAX_DETAIL = 4000;
    private static final String FENCE = "claimed_by = :instance AND version = :token";

    /**
     * The token of a job's first claim: a job is stored at version 0 and only status moves bump it, so
     * a claim at this token is the job's first run, with no checkpoint and no history to find.
     */
    static final int FIRST_CLAIM = 1;

    private final JdbcClient jdbc;
    private final JobStatusGate gate;
    private final TransactionTemplate transactions;
    private final JobCheckpoints checkpoints;
    private final HistoryRepository history;
    private final JobMetrics metrics;

    JobClaims(
            JdbcClient jdbc,
            JobStatusGate gate,
            TransactionTemplate transactions,
            JobCheckpoints checkpoints,
            HistoryRepository history,
            JobMetrics metrics) {
        this.jdbc = jdbc;
        this.gate = gate;
        this.transactions = transactions;
        this.checkpoints = checkpoints;
        this.history = history;
        this.metrics = metrics;
    }

    /**
     * A queued job as the claim loop sees it.
     *
     * @param estimatedMemoryBytes the working memory estimated at submission (null for a job stored before
     *     estimates were kept): with it, the job's row need not be read before its claim
     */
    record Queued(String id, int version, boolean cancelRequested, Long estimatedMemoryBytes) {}

    /** The first queued jobs in queue order: owners in turn, then oldest first ({@code JobRepository#nextTurn}). */
    List<Queued> queued(int limit) {
        return jdbc.sql("""
                SELECT id, version, cancel_requested, estimated_memory_bytes FROM jobs WHERE status = 'QUEUED'
                ORDER BY queue_turn, created_at, id LIMIT :limit""")
                .param("limit", limit)
                .query((rs, row) -> {
                    long estimate = rs.getLong("estimated_memory_bytes");
                    return new Queued(
                            rs.getString("id"),
                            rs.getInt("version"),
                            rs.getBoolean("cancel_requested"),
                            rs.wasNull() ? null : estimate);
                })
                .list();
    }

    /**
     * QUEUED → RUNNING for {@code instance}, if the job is still at the version that was read and
     * nobody asked to cancel it.
     *
     * @return the claim's fencing token, or empty when another worker (or a cancel) got there first
     */
    OptionalInt claim(Queued job, String instance) {
        int token = job.version() + 1;
        boolean claimed = inTransaction(() -> claimOnly(job, instance) && openAttempt(job.id(), token));
        return claimed ? OptionalInt.of(token) : OptionalInt.empty();
    }

    /** The attempt row of a claim just made in this transaction (whose move locks the job row, so numbers cannot race). */
    private boolean openAttempt(String id, int token) {
        jdbc.sql("""
                INSERT INTO job_attempts (job_id, attempt_number, token, instance, started_at)
                SELECT id, (SELECT COALESCE(MAX(attempt_number), 0) + 1 FROM job_attempts WHERE job_id = :id),
                    version, claimed_by, started_at
                FROM jobs WHERE id = :id AND version = :token""").param("id", id).param("token", token).update();
        return true;
    }

    private boolean claimOnly(Queued job, String instance) {
        return gate.move(job.id(), JobStatus.RUNNING)
                .from(JobStatus.QUEUED)
                .where("version = :expected")
                .where("NOT cancel_requested")
                .set("claimed_by = :instance")
                .set("heartbeat_at = CURRENT_TIMESTAMP")
                .set("started_at = CURRENT_TIMESTAMP")
                .set("attempts = attempts + 1")
                .set("stalled_attempts = stalled_attempts + 1")
                .set("resumed_from = NULL")
                // Progress and losses stay: a job that was never started has none, and a re-queued one
                // shows where it will resume (progressAtCheckpoint) until recordStart says where it does.
                .set("iterations_per_second = NULL")
                .param("expected", job.version())
                .param("instance", instance)
                .apply();
    }

    /**
     * QUEUED → CANCELLED for a job whose cancel was asked for while it was running and that was
     * re-queued before its worker saw it: the cancel outlives the requeue.
     */
    boolean cancelPending(Queued job) {
        JobStatusGate.Move move = gate.move(job.id(), JobStatus.CANCELLED)
                .from(JobStatus.QUEUED)
                .where("version = :expected")
                .where("cancel_requested")
                .set("finished_at = CURRENT_TIMESTAMP")
                .set("claimed_by = NULL")
                .set("heartbeat_at = NULL")
                .param("expected", job.version());
        return inTransaction(() -> move.apply() && dropCheckpoint(job.id()));
    }

    /**
     * Records where this attempt starts (on the job and on its attempt) and the row counts; false
     * when the claim is no longer held (then nothing is written).
     */
    boolean recordStart(
            String id, String instance, int token, int resumedFrom, int trainRows, int validationRows, int testRows) {
        return inTransaction(() -> {
            if (!recordStartOnJob(id, instance, token, resumedFrom, trainRows, validationRows, testRows)) {
                return false;
            }
            jdbc.sql("UPDATE job_attempts SET resumed_from = :resumed WHERE job_id = :id AND token = :token")
                    .param("id", id)
                    .param("token", token)
                    .param("resumed", resumedFrom)
                    .update();
            return true;
        });
    }

    private boolean recordStartOnJob(
            String id, String instance, int token, int resumedFrom, int trainRows, int validationRows, int testRows) {
        // The losses shown are those of the point the attempt resumes after: kept when the job was
        // re-queued at that point, cleared when it is not (a checkpoint that could not be resumed).
        return jdbc.sql("UPDATE jobs SET train_rows = :train, validation_rows = :validation, test_rows = :test,"
                                + " resumed_from = :resumed, progress_iteration = :resumed,"
                                + " train_loss = CASE WHEN progress_iteration = :resumed THEN train_loss END,"
                                + " validation_loss = CASE WHEN progress_iteration = :resumed THEN validation_loss END,"
                                + " test_loss = CASE WHEN progress_iteration = :resumed THEN test_loss END"
                                + " WHERE id = :id AND status = 'RUNNING' AND " + FENCE)
                        .param("id", id)
                        .param("instance", instance)
                        .param("token", token)
                        .param("resumed", resumedFrom)
                        .param("train", trainRows)
                        .param("validation", validationRows)
                        .param("test", testRows)
                        .update()
                == 1;
    }

    /**
     * Stores the latest progress, fenced; also takes the job row's lock for the rest of the
     * caller's transaction, so history and checkpoint rows written after it in that transaction
     * cannot land after a recovery took the job away.
     *
     * @return false when the claim is no longer held (nothing was written)
     */
    boolean recordProgress(
            String id,
            String instance,
            int token,
            int iteration,
            Double iterationsPerSecond,
            double trainLoss,
            Double validationLoss,
            Double testLoss) {
        return jdbc.sql("""
                UPDATE jobs SET progress_iteration = :iteration, iterations_per_second = :ips, train_loss = :train,
                    validation_loss = :validation, test_loss = :test
                WHERE id = :id AND status = 'RUNNING' AND\s""" + FENCE)
                        .param("id", id)
                        .param("instance", instance)
                        .param("token", token)
                        .param("iteration", iteration)
                        .param("ips", iterationsPerSecond)
                        .param("train", trainLoss)
                        .param("validation", validationLoss)
                        .param("test", testLoss)
                        .update()
                == 1;
    }

    /** Locks the job row for the caller's transaction if the claim still stands; false otherwise. */
    boolean hold(String id, String instance, int token) {
        return jdbc.sql("UPDATE jobs SET heartbeat_at = CURRENT_TIMESTAMP WHERE id = :id AND status = 'RUNNING' AND "
                                + FENCE)
                        .param("id", id)
                        .param("instance", instance)
                        .param("token", token)
                        .update()
                == 1;
    }

    /**
     * What a run that ends writes into its job's row in the statement that records its final status,
     * where it took three statements of their own before: its last progress (null when the run has no
     * point to add), its diagnostics as stored JSON (null: left as they are) and early stopping's
     * verdict (written when {@code bestIteration} is not null; {@code stoppedEarly} may be null then).
     */
    record FinalRow(LiveProgress progress, String diagnostics, Boolean stoppedEarly, Integer bestIteration) {

        /** Nothing beyond the status: a run that ended before it trained, or outside its run. */
        static final FinalRow NONE = new FinalRow(null, null, null, null);
    }

    /**
     * RUNNING → a terminal status, only while this claim stands, with the run's {@link FinalRow}
     * written by the same fenced statement. SUCCEEDED also requires that no cancel arrived first: a
     * cancel that was accepted (202) before the outcome is written wins. The statement also takes the
     * job row's lock for the rest of the caller's transaction, so the history rows the caller writes
     * after it in that transaction cannot land after a recovery took the job away.
     *
     * @return false when the claim was lost, or (for SUCCEEDED) a cancel was asked for first
     */
    boolean finish(
            String id,
            String instance,
            int token,
            JobStatus status,
            String modelId,
            String errorType,
            String errorDetail,
            FinalRow row) {
        JobStatusGate.Move move = gate.move(id, status)
                .from(JobStatus.RUNNING)
                .where(FENCE)
                .set("finished_at = CURRENT_TIMESTAMP")
                .set("heartbeat_at = NULL")
                .set("model_id = :model")
                .set("error_type = :errorType")
                .set("error_detail = :errorDetail")
                .param("instance", instance)
                .param("token", token)
                .param("model", modelId)
                .param("errorType", errorType)
                .param("errorDetail", Rows.truncate(errorDetail, MAX_DETAIL));
        LiveProgress p = row.progress();
        if (p != null) {
            move.set("progress_iteration = :iteration")
                    .set("iterations_per_second = :ips")
                    .set("train_loss = :train")
                    .set("validation_loss = :validation")
                    .set("test_loss = :test")
                    .param("iteration", p.iteration())
                    .param("ips", p.iterationsPerSecond())
                    .param("train", p.trainLoss())
                    .param("validation", p.validationLoss())
                    .param("test", p.testLoss());
        }
        if (row.diagnostics() != null) {
            move.set("diagnostics = :diagnostics").param("diagnostics", row.diagnostics());
        }
        if (row.bestIteration() != null) {
            move.set("stopped_early = :stopped")
                    .set("best_iteration = :best")
                    .param("stopped", row.stoppedEarly())
                    .param("best", row.bestIteration());
        }
        if (status == JobStatus.SUCCEEDED) {
            move.where("NOT cancel_requested");
        }
        return inTransaction(() -> move.apply() && closeAttempt(id, token, JobAttempt.Outcome.ending(status)));
    }

    /** RUNNING → QUEUED after a clean stop of this instance: the interruption is not the job's fault. */
    boolean handBack(String id, String instance, int token) {
        JobStatusGate.Move move = backToQueue(id, instance, token)
                .set("attempts = attempts - 1")
                .set("stalled_attempts = CASE WHEN stalled_attempts > 0 THEN stalled_attempts - 1 ELSE 0 END");
        return inTransaction(() -> move.apply()
                && closeAttempt(id, token, JobAttempt.Outcome.HANDED_BACK)
                && progressAtCheckpoint(id)
                && requeued(JobMetrics.Requeue.HANDED_BACK));
    }

    /**
     * RUNNING → QUEUED by a worker whose lease ran out (its JVM paused, or the database out of reach,
     * for a whole {@code heartbeat-timeout}) while its claim still stands: what a recovery would have
     * done a moment later, so the attempt closes {@code lost} and stays counted, as a frozen owner's
     * does when another instance takes its job over.
     */
    boolean requeueLapsed(String id, String instance, int token) {
        JobStatusGate.Move move = backToQueue(id, instance, token);
        return inTransaction(() -> move.apply()
                && closeAttempt(id, token, JobAttempt.Outcome.LOST)
                && progressAtCheckpoint(id)
                && requeued(JobMetrics.Requeue.LEASE_LAPSED));
    }

    /** RUNNING → QUEUED by the worker that holds the claim, which lets go of it. */
    private JobStatusGate.Move backToQueue(String id, String instance, int token) {
        return gate.move(id, JobStatus.QUEUED)
                .from(JobStatus.RUNNING)
                .where(FENCE)
                .set("claimed_by = NULL")
                .set("heartbeat_at = NULL")
                .set("started_at = NULL")
                .param("instance", instance)
                .param("token", token);
    }

    /** Renews one claim of this instance; false when it is no longer held (the worker must stop). */
    boolean renew(String id, String instance, int token) {
        return hold(id, instance, token);
    }

    /** The ids of this instance's running jobs whose cancellation was asked for (possibly through another instance). */
    List<String> cancelRequested(String instance) {
        return jdbc.sql("SELECT id FROM jobs WHERE claimed_by = :instance AND status = 'RUNNING' AND cancel_requested")
                .param("instance", instance)
                .query(String.class)
                .list();
    }

    /** The database's clock, the only clock heartbeat ages are measured with. */
    Instant databaseNow() {
        return jdbc.sql("SELECT CURRENT_TIMESTAMP")
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
    }

    /**
     * Re-queues an orphaned job, unless something changed it since it was read or its heartbeat
     * was renewed meanwhile (the heartbeat and the recovery race; the condition decides).
     */
    boolean requeueOrphan(TrainingJob job, Instant cutoff) {
        JobStatusGate.Move move = gate.move(job.id(), JobStatus.QUEUED)
                .from(JobStatus.RUNNING)
                .where("version = :version")
                .where("heartbeat_at IS NULL OR heartbeat_at < :cutoff")
                .where("NOT cancel_requested")
                .set("claimed_by = NULL")
                .set("heartbeat_at = NULL")
                .set("started_at = NULL")
                .param("version", job.claim().version())
                .param("cutoff", Rows.time(cutoff));
        return inTransaction(
                () -> lost(job, move) && progressAtCheckpoint(job.id()) && requeued(JobMetrics.Requeue.RECOVERED));
    }

    /** Ends an orphaned job whose cancel was asked for: the cancel is honoured rather than retrained. */
    boolean cancelOrphan(TrainingJob job, Instant cutoff) {
        JobStatusGate.Move move = gate.move(job.id(), JobStatus.CANCELLED)
                .from(JobStatus.RUNNING)
                .where("version = :version")
                .where("heartbeat_at IS NULL OR heartbeat_at < :cutoff")
                .where("cancel_requested")
                .set("claimed_by = NULL")
                .set("heartbeat_at = NULL")
                .set("finished_at = CURRENT_TIMESTAMP")
                .param("version", job.claim().version())
                .param("cutoff", Rows.time(cutoff));
        return lostForGood(job, move);
    }

    /** Fails an orphaned job that was interrupted too often, unless something changed it since it was read. */
    boolean failOrphan(TrainingJob job, Instant cutoff, String detail) {
        JobStatusGate.Move move = gate.move(job.id(), JobStatus.FAILED)
                .from(JobStatus.RUNNING)
                .where("version = :version")
                .where("heartbeat_at IS NULL OR heartbeat_at < :cutoff")
                .set("claimed_by = NULL")
                .set("heartbeat_at = NULL")
                .set("finished_at = CURRENT_TIMESTAMP")
                .set("error_type = 'interrupted'")
                .set("error_detail = :detail")
                .param("version", job.claim().version())
                .param("cutoff", Rows.time(cutoff))
                .param("detail", Rows.truncate(detail, MAX_DETAIL));
        return lostForGood(job, move);
    }

    /** Applies a recovery's move of an orphaned job and, with it, closes the orphaned attempt as lost. */
    private boolean lost(TrainingJob job, JobStatusGate.Move move) {
        return inTransaction(
                () -> move.apply() && closeAttempt(job.id(), job.claim().version(), JobAttempt.Outcome.LOST));
    }

    /** As {@link #lost}, for a move that ends the job: its checkpoint, which nothing will resume, goes with it. */
    private boolean lostForGood(TrainingJob job, JobStatusGate.Move move) {
        return inTransaction(() -> lost(job, move) && dropCheckpoint(job.id()));
    }

    /**
     * Called in the transaction that put the job back in the queue: its progress and losses become
     * those of the checkpoint it will resume from (none without one: it starts again from its seed).
     * Not the latest stored point, although the history still holds the points after the checkpoint
     * while the job waits: the next attempt drops them ({@code HistoryRepository.keepUpTo}), trains
     * them again, and reports its progress from the checkpoint on (recordStart), so this is what every
     * answer will say from here on, with no step back once it runs. Always true.
     */
    private boolean progressAtCheckpoint(String id) {
        OptionalInt checkpoint = checkpoints.iteration(id);
        Integer iteration = checkpoint.isPresent() ? checkpoint.getAsInt() : null;
        // The point the checkpoint was taken at, stored in the checkpoint's transaction.
        Optional<HistoryChunk> batch = iteration == null ? Optional.empty() : history.findContaining(id, iteration);
        int index = batch.map(b -> iteration - b.firstIteration()).orElse(0);
        jdbc.sql("""
                UPDATE jobs SET progress_iteration = :iteration, iterations_per_second = NULL,
                    train_loss = :train, validation_loss = :validation, test_loss = :test
                WHERE id = :id""")
                .param("id", id)
                .param("iteration", iteration)
                .param("train", batch.map(b -> b.train()[index]).orElse(null))
                .param("validation", batch.map(b -> at(b.validation(), index)).orElse(null))
                .param("test", batch.map(b -> at(b.test(), index)).orElse(null))
                .update();
        return true;
    }

    private static Double at(double[] values, int index) {
        return values == null ? null : values[index];
    }

    /**
     * Deletes a checkpoint no attempt will resume (a job's can be as large as its network three times
     * over), keeping early stopping's best point so far on the job that just ended.
     */
    private boolean dropCheckpoint(String id) {
        checkpoints.deleteOfEnded(id); // same connection, so inside the caller's transaction
        return true;
    }

    /**
     * Ends the attempt of the claim with {@code token}; called right after the status move that ended
     * the claim, in its transaction. Always true: a claim made before attempts were recorded has no
     * row, and that must not undo the move.
     */
    private boolean closeAttempt(String id, int token, JobAttempt.Outcome outcome) {
        jdbc.sql("""
                UPDATE job_attempts SET ended_at = CURRENT_TIMESTAMP, outcome = :outcome
                WHERE job_id = :id AND token = :token AND ended_at IS NULL""")
                .param("id", id)
                .param("token", token)
                .param("outcome", outcome.id())
                .update();
        afterCommit(() -> metrics.attemptEnded(outcome));
        return true;
    }

    /** Counts a move back to the queue made in this transaction, once it commits. Always true. */
    private boolean requeued(JobMetrics.Requeue reason) {
        afterCommit(() -> metrics.requeued(reason));
        return true;
    }

    /**
     * Runs {@code count} once the caller's transaction commits: a move rolled back (a claim that turned
     * out lost, a failed write after it) did not happen and is not counted.
     */
    private static void afterCommit(Runnable count) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            count.run(); // not reached: every move runs in inTransaction
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                count.run();
            }
        });
    }

    /** Runs {@code work} in a transaction (joining the caller's, if any); false when it returns false. */
    private boolean inTransaction(BooleanSupplier work) {
        return Boolean.TRUE.equals(transactions.execute(tx -> work.getAsBoolean()));
    }
}
