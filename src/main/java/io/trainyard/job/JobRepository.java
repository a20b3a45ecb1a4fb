package io.trainyard.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.trainyard.dataset.DatasetUsage;
import io.trainyard.model.ModelUsage;
import io.trainyard.system.PageCursor;
import io.trainyard.system.Rows;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading the jobs table, and the changes users make: submit, cancel, delete. Status changes go
 * through {@link JobStatusGate}; the training side's writes (claims, progress, outcomes) live in
 * {@code training}.
 */
@Repository
public class JobRepository implements DatasetUsage, ModelUsage {

    private static final TypeReference<List<Integer>> SIZES = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final JobStatusGate gate;
    private final AdmissionLock admission;

    JobRepository(JdbcClient jdbc, JsonMapper json, JobStatusGate gate, AdmissionLock admission) {
        this.jdbc = jdbc;
        this.json = json;
        this.gate = gate;
        this.admission = admission;
    }

    void insert(TrainingJob job, String owner, long turn) {
        jdbc.sql("""
                INSERT INTO jobs (id, name, status, spec, dataset_id, sweep_id, layer_sizes, iterations, created_at,
                    estimated_memory_bytes, train_rows, validation_rows, test_rows, owner, queue_turn)
                VALUES (:id, :name, :status, :spec, :dataset, :sweep, :layerSizes, :iterations, :createdAt,
                    :estimatedMemory, :trainRows, :validationRows, :testRows, :owner, :turn)""")
                .param("id", job.id())
                .param("turn", turn)
                .param("owner", owner)
                .param("name", job.name())
                .param("status", job.status().name())
                .param("spec", json.writeValueAsString(job.spec()))
                .param("dataset", job.spec().dataset())
                .param("sweep", job.sweepId())
                .param("layerSizes", json.writeValueAsString(job.layerSizes()))
                .param("iterations", job.spec().iterations())
                .param("createdAt", Rows.time(job.createdAt()))
                .param("estimatedMemory", job.findings().estimatedMemoryBytes())
                .param("trainRows", job.progress().trainRows())
                .param("validationRows", job.progress().validationRows())
                .param("testRows", job.progress().testRows())
                .update();
    }

    /**
     * The turn of {@code owner}'s next job in the queue, which workers take in turn order (then oldest
     * first): owners take turns, so one owner's hundreds of queued jobs do not keep another's single job
     * waiting behind all of them. This is start-time fair queueing: the queue's clock is the turn of its
     * head (of the latest started job when nothing waits), and a job's turn is the clock, or one after its
     * owner's latest queued or running job when that is later. A newcomer's first job thus waits behind
     * the jobs whose turn has come (at most one job of each other owner), never behind an owner's backlog,
     * and never overtakes a job that waited longer in the same turn.
     */
    long nextTurn(String owner) {
        // One MAX per status, not one over IN ('QUEUED', 'RUNNING'): each is then a range of the index
        // jobs_owner_turn (owner, status, queue_turn), read without the rows (V17).
        return jdbc.sql("""
                SELECT (SELECT MAX(queue_turn) FROM jobs WHERE owner = :owner AND status = 'QUEUED'),
                    (SELECT MAX(queue_turn) FROM jobs WHERE owner = :owner AND status = 'RUNNING'),
                    (SELECT MIN(queue_turn) FROM jobs WHERE status = 'QUEUED'),
                    (SELECT MAX(queue_turn) FROM jobs WHERE status = 'RUNNING')""")
                .param("owner", owner)
                .query((rs, row) -> {
                    Long ownerLast = later(rs.getObject(1, Long.class), rs.getObject(2, Long.class));
                    Long head = rs.getObject(3, Long.class);
                    Long latestStarted = rs.getObject(4, Long.class);
                    long clock = head != null ? head : latestStarted != null ? latestStarted : 0;
                    return ownerLast == null ? clock : Math.max(ownerLast + 1, clock);
                })
                .single();
    }

    /** The later of two turns, either of which may be missing (null when both are). */
    private static Long later(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    public Optional<TrainingJob> find(String id) {
        return jdbc.sql("SELECT * FROM jobs WHERE id = :id")
                .param("id", id)
                .query(this::map)
                .optional();
    }

    /** The job, if {@code owner} owns it; any owner's with a null {@code owner}. */
    Optional<TrainingJob> find(String id, String owner) {
        if (owner == null) {
            return find(id);
        }
        return jdbc.sql("SELECT * FROM jobs WHERE id = :id AND owner = :owner")
                .param("id", id)
                .param("owner", owner)
                .query(this::map)
                .optional();
    }

    /**
     * One page of jobs, newest first.
     *
     * @param after the last job of the previous page (created time and id), or null for the first page
     */
    List<TrainingJob> page(
            JobStatus status, String nameContains, String sweepId, String owner, PageCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (owner != null) {
            sql.append(" AND owner = :owner");
            params.put("owner", owner);
        }
        if (status != null) {
            sql.append(" AND status = :status");
            params.put("status", status.name());
        }
        if (nameContains != null && !nameContains.isEmpty()) {
            sql.append(" AND LOWER(name) LIKE :name ESCAPE '\\'");
            params.put("name", "%" + likeLiteral(nameContains.toLowerCase(Locale.ROOT)) + "%");
        }
        if (sweepId != null) {
            sql.append(" AND sweep_id = :sweep");
            params.put("sweep", sweepId);
        }
        PageCursor.appendPage(sql, params, after, limit);
        return jdbc.sql(sql.toString()).params(params).query(this::map).list();
    }

    public int countByStatus(JobStatus status) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE status = :status")
                .param("status", status.name())
                .query(Integer.class)
                .single();
    }

    /** The first queued jobs' ids, in queue order ({@link #nextTurn}). */
    public List<String> queuedIds(int limit) {
        return jdbc.sql("SELECT id FROM jobs WHERE status = 'QUEUED' ORDER BY queue_turn, created_at, id LIMIT :limit")
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /** Running jobs whose claim was last renewed before {@code cutoff} (or, with null, all running jobs). */
    public List<TrainingJob> runningSince(Instant cutoff) {
        if (cutoff == null) {
            return jdbc.sql("SELECT * FROM jobs WHERE status = 'RUNNING'")
                    .query(this::map)
                    .list();
        }
        return jdbc.sql(
                        "SELECT * FROM jobs WHERE status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < :cutoff)")
                .param("cutoff", Rows.time(cutoff))
                .query(this::map)
                .list();
    }

    /** QUEUED → CANCELLED; false when the job is no longer queued. */
    boolean cancelQueued(String id, Instant now) {
        return gate.move(id, JobStatus.CANCELLED)
                .from(JobStatus.QUEUED)
                .set("finished_at = :now")
                .param("now", Rows.time(now))
                .apply();
    }

    /**
     * Asks the instance training a running job to stop it at its next iteration (not a status
     * change). The flag stays set if the job is re-queued before its worker sees it: the next
     * claim cancels it instead (the flag is never cleared).
     */
    boolean requestCancel(String id) {
        return jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id = :id AND status = 'RUNNING'")
                        .param("id", id)
                        .update()
                == 1;
    }

    /** The members a sweep's cancel found active: those it cancelled (queued) and those it asked to stop (running). */
    record CancelledMembers(List<String> cancelled, List<String> stopping) {}

    /**
     * Cancels every queued member of a sweep and asks every running one to stop, in the caller's
     * transaction. The active members' rows are locked first, in id order (two cancels of one sweep
     * lock alike and cannot deadlock): a worker claiming a queued member, on this instance or another
     * sharing the database, waits for this transaction and then finds the member CANCELLED, so no
     * member that was queued when the cancel began ever starts. Cancelled one by one, freeing the
     * workers of the running members let them claim the queued ones before the loop reached them
     * (audit item 4). A running member re-queued once this commits still carries the flag, and its
     * next claim cancels it instead ({@code JobClaims.cancelPending}).
     */
    CancelledMembers cancelSweep(String sweepId, Instant now) {
        List<String> queued = new ArrayList<>();
        List<String> running = new ArrayList<>();
        jdbc.sql("""
                SELECT id, status FROM jobs WHERE sweep_id = :sweep AND status IN ('QUEUED', 'RUNNING')
                ORDER BY id FOR UPDATE""").param("sweep", sweepId).query(rs -> {
            (JobStatus.QUEUED.name().equals(rs.getString("status")) ? queued : running).add(rs.getString("id"));
        });
        int moved = gate.moveAll(queued, JobStatus.CANCELLED)
                .from(JobStatus.QUEUED)
                .set("finished_at = :now")
                .param("now", Rows.time(now))
                .applyToAll();
        List<String> cancelled = queued;
        if (moved != queued.size()) {
            // Not expected under the lock; the answer and the events must still name only what moved.
            cancelled = jdbc.sql("SELECT id FROM jobs WHERE id IN (:ids) AND status = 'CANCELLED'")
                    .param("ids", queued)
                    .query(String.class)
                    .list();
        }
        if (!running.isEmpty()) {
            jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id IN (:ids) AND status = 'RUNNING'")
                    .param("ids", running)
                    .update();
        }
        return new CancelledMembers(cancelled, running);
    }

    /** Deletes a finished job (its history goes with it, by foreign key); false when it is not finished. */
    boolean deleteFinished(String id) {
        return jdbc.sql("DELETE FROM jobs WHERE id = :id AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")
                        .param("id", id)
                        .update()
                == 1;
    }

    /** The job no longer names its model, which was deleted (provenance stays in nothing else). */
    void forgetModel(String id, String modelId) {
        jdbc.sql("UPDATE jobs SET model_id = NULL WHERE id = :id AND model_id = :model")
                .param("id", id)
                .param("model", modelId)
                .update();
    }

    /** The jobs of one sweep, in no particular order. */
    List<TrainingJob> findBySweep(String sweepId) {
        return jdbc.sql("SELECT * FROM jobs WHERE sweep_id = :sweep")
                .param("sweep", sweepId)
                .query(this::map)
                .list();
    }

    /** How many jobs, in any status, train on this data set. */
    int countUsing(String datasetId) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE dataset_id = :dataset")
                .param("dataset", datasetId)
                .query(Integer.class)
                .single();
    }

    /**
     * Queued or running jobs that train on this data set (ids and owners, oldest first): the catalog
     * refuses to delete it while there are any. Under the admission lock, which a submit holds from its
     * check that the data set is still there until its jobs are inserted: a job and the deletion of its
     * data set never cross.
     */
    @Override
    public List<DatasetUsage.User> activeUsersOf(String datasetId) {
        admission.holdUntilTransactionEnds();
        return jdbc.sql("""
                SELECT id, owner FROM jobs WHERE dataset_id = :dataset AND status IN ('QUEUED', 'RUNNING')
                ORDER BY created_at, id""")
                .param("dataset", datasetId)
                .query((rs, row) -> new DatasetUsage.User(rs.getString("id"), rs.getString("owner")))
                .list();
    }

    /**
     * The queued or running jobs that warm-start from this model, oldest first: the model service
     * refuses to delete it while there are any. Under the admission lock, which a submit holds from its
     * check that the model is still there until its jobs are inserted, as for data sets.
     *
     * <p>The model is named only inside the stored spec (JSON text, written by this service). A model id
     * is a UUID, which JSON writes as it is, so {@code LIKE} narrows the active jobs to those whose spec
     * holds the id anywhere, and the parsed spec decides.
     */
    @Override
    public List<WarmStart> activeWarmStartsOf(String modelId) {
        admission.holdUntilTransactionEnds();
        List<WarmStart> users = new ArrayList<>();
        jdbc.sql("""
                SELECT id, owner, sweep_id, spec FROM jobs
                WHERE status IN ('QUEUED', 'RUNNING') AND spec LIKE :pattern ESCAPE '\\'
                ORDER BY created_at, id""").param("pattern", "%" + likeLiteral(modelId) + "%").query(rs -> {
            JobSpec spec = json.readValue(rs.getString("spec"), JobSpec.class);
            if (modelId.equals(spec.warmStartModel())) {
                users.add(new WarmStart(rs.getString("id"), rs.getString("owner"), rs.getString("sweep_id")));
            }
        });
        return users;
    }

    /** {@code text} as a LIKE pattern that matches only itself, escaped with a backslash. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** The attempts of each of these jobs, in order; a job without any (never claimed) is not in the map. */
    Map<String, List<JobAttempt>> attempts(Collection<String> ids) {
        Map<String, List<JobAttempt>> byJob = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return byJob;
        }
        jdbc.sql("""
                SELECT job_id, attempt_number, started_at, ended_at, instance, resumed_from, outcome
                FROM job_attempts WHERE job_id IN (:ids) ORDER BY job_id, attempt_number""").param("ids", List.copyOf(ids)).query(rs -> {
            byJob.computeIfAbsent(rs.getString("job_id"), k -> new ArrayList<>())
                    .add(attempt(rs));
        });
        return byJob;
    }

    /**
     * One attempt and its claim's token, the job {@code version} its claim moved the job to (QUEUED →
     * RUNNING); the move that ended it made the next version.
     */
    record ClaimedAttempt(int token, JobAttempt attempt) {}

    /**
     * The attempts of one job with their tokens, oldest first: a job's status changes can be told
     * again, in order, from these (see {@link JobEventStreams}).
     */
    List<ClaimedAttempt> claimedAttempts(String id) {
        return jdbc.sql("""
                SELECT token, attempt_number, started_at, ended_at, instance, resumed_from, outcome
                FROM job_attempts WHERE job_id = :id ORDER BY attempt_number""")
                .param("id", id)
                .query((rs, row) -> new ClaimedAttempt(rs.getInt("token"), attempt(rs)))
                .list();
    }

    private static JobAttempt attempt(ResultSet rs) throws SQLException {
        String outcome = rs.getString("outcome");
        return new JobAttempt(
                rs.getInt("attempt_number"),
                Rows.instant(rs, "started_at"),
                Rows.instant(rs, "ended_at"),
                rs.getString("instance"),
                Rows.integer(rs, "resumed_from"),
                outcome == null ? null : JobAttempt.Outcome.of(outcome));
    }

    private TrainingJob map(ResultSet rs, int row) throws SQLException {
        TrainingJob.Claim claim = new TrainingJob.Claim(
                rs.getString("claimed_by"),
                rs.getInt("attempts"),
                Rows.instant(rs, "started_at"),
                Rows.instant(rs, "heartbeat_at"),
                rs.getBoolean("cancel_requested"),
                rs.getInt("version"),
                Rows.integer(rs, "resumed_from"),
                rs.getInt("stalled_attempts"));
        TrainingJob.Progress progress = new TrainingJob.Progress(
                Rows.integer(rs, "progress_iteration"),
                Rows.number(rs, "iterations_per_second"),
                Rows.number(rs, "train_loss"),
                Rows.number(rs, "validation_loss"),
                Rows.number(rs, "test_loss"),
                Rows.integer(rs, "train_rows"),
                Rows.integer(rs, "validation_rows"),
                Rows.integer(rs, "test_rows"));
        TrainingJob.Outcome outcome = new TrainingJob.Outcome(
                Rows.instant(rs, "finished_at"),
                rs.getString("error_type"),
                rs.getString("error_detail"),
                rs.getString("model_id"));
        return new TrainingJob(
                rs.getString("id"),
                json.readValue(rs.getString("spec"), JobSpec.class),
                rs.getString("sweep_id"),
                json.readValue(rs.getString("layer_sizes"), SIZES),
                JobStatus.valueOf(rs.getString("status")),
                Rows.instant(rs, "created_at"),
                claim,
                progress,
                outcome,
                findings(rs),
                rs.getString("owner"));
    }

    private TrainingJob.Findings findings(ResultSet rs) throws SQLException {
        long memory = rs.getLong("estimated_memory_bytes");
        Long estimate = rs.wasNull() ? null : memory;
        boolean early = rs.getBoolean("stopped_early");
        Boolean stoppedEarly = rs.wasNull() ? null : early;
        String diagnostics = rs.getString("diagnostics");
        return new TrainingJob.Findings(
                estimate,
                stoppedEarly,
                Rows.integer(rs, "best_iteration"),
                diagnostics == null ? null : json.readValue(diagnostics, JobDiagnostics.class));
    }
}
