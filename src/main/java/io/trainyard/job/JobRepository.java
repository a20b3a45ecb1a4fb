package io.trainyard.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.system.PageCursor;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The jobs table. Every status change is a conditional UPDATE on the status (and, for a running
 * job, on its owner), so two instances sharing one database can never both claim or both finish a
 * job.
 */
@Repository
class JobRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    JobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(TrainingJob job) {
        jdbc.sql("""
                INSERT INTO jobs (id, name, status, spec, dataset_id, sweep_id, layer_sizes, iterations, created_at)
                VALUES (:id, :name, :status, :spec, :dataset, :sweep, :layerSizes, :iterations, :createdAt)""")
                .param("id", job.id())
                .param("name", job.name())
                .param("status", job.status().name())
                .param("spec", JSON.writeValueAsString(job.spec()))
                .param("dataset", job.spec().dataset())
                .param("sweep", job.sweepId())
                .param("layerSizes", JSON.writeValueAsString(job.layerSizes()))
                .param("iterations", job.spec().iterations())
                .param("createdAt", time(job.createdAt()))
                .update();
    }

    Optional<TrainingJob> find(String id) {
        return jdbc.sql("SELECT * FROM jobs WHERE id = :id").param("id", id).query(JobRepository::map).optional();
    }

    /**
     * One page of jobs, newest first.
     *
     * @param after the last job of the previous page (created time and id), or null for the first page
     */
    List<TrainingJob> page(JobStatus status, String nameContains, String sweepId, PageCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE 1 = 1");
        Map<String, Object> params = new java.util.HashMap<>();
        if (status != null) {
            sql.append(" AND status = :status");
            params.put("status", status.name());
        }
        if (nameContains != null && !nameContains.isEmpty()) {
            sql.append(" AND LOWER(name) LIKE :name ESCAPE '\\'");
            params.put("name", "%" + nameContains.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\")
                    .replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (sweepId != null) {
            sql.append(" AND sweep_id = :sweep");
            params.put("sweep", sweepId);
        }
        if (after != null) {
            sql.append(" AND (created_at < :afterCreated OR (created_at = :afterCreated AND id < :afterId))");
            params.put("afterCreated", time(after.createdAt()));
            params.put("afterId", after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(JobRepository::map).list();
    }

    int countByStatus(JobStatus status) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE status = :status").param("status", status.name())
                .query(Integer.class).single();
    }

    List<String> queuedIds(int limit) {
        return jdbc.sql("SELECT id FROM jobs WHERE status = 'QUEUED' ORDER BY created_at, id LIMIT :limit")
                .param("limit", limit).query(String.class).list();
    }

    /** QUEUED → RUNNING for {@code owner}; false when another worker got there first. */
    boolean claim(String id, String owner, Instant now) {
        return jdbc.sql("""
                UPDATE jobs SET status = 'RUNNING', owner = :owner, heartbeat_at = :now, started_at = :now,
                    attempts = attempts + 1, cancel_requested = FALSE, progress_iteration = 0,
                    iterations_per_second = NULL, train_loss = NULL, validation_loss = NULL, test_loss = NULL,
                    version = version + 1
                WHERE id = :id AND status = 'QUEUED'""")
                .param("id", id).param("owner", owner).param("now", time(now)).update() == 1;
    }

    void recordRows(String id, int trainRows, int validationRows, int testRows) {
        jdbc.sql("UPDATE jobs SET train_rows = :train, validation_rows = :validation, test_rows = :test WHERE id = :id")
                .param("id", id).param("train", trainRows).param("validation", validationRows).param("test", testRows)
                .update();
    }

    void recordProgress(String id, int iteration, Double iterationsPerSecond, double trainLoss, Double validationLoss,
            Double testLoss) {
        jdbc.sql("""
                UPDATE jobs SET progress_iteration = :iteration, iterations_per_second = :ips, train_loss = :train,
                    validation_loss = :validation, test_loss = :test
                WHERE id = :id AND status = 'RUNNING'""")
                .param("id", id).param("iteration", iteration).param("ips", iterationsPerSecond)
                .param("train", trainLoss).param("validation", validationLoss).param("test", testLoss).update();
    }

    /**
     * RUNNING → a terminal status, only while {@code owner} still holds the claim.
     *
     * @return false when the claim was lost (the job was recovered by another instance meanwhile)
     */
    boolean finish(String id, String owner, JobStatus status, Instant now, String modelId, String errorType,
            String errorDetail) {
        requireMove(JobStatus.RUNNING, status);
        return jdbc.sql("""
                UPDATE jobs SET status = :status, finished_at = :now, heartbeat_at = NULL,
                    model_id = :model, error_type = :errorType, error_detail = :errorDetail, version = version + 1
                WHERE id = :id AND status = 'RUNNING' AND owner = :owner""")
                .param("id", id).param("owner", owner).param("status", status.name()).param("now", time(now))
                .param("model", modelId).param("errorType", errorType).param("errorDetail", truncate(errorDetail))
                .update() == 1;
    }

    /** RUNNING → QUEUED after a clean stop of this instance: the interruption is not the job's fault. */
    boolean requeueAfterShutdown(String id, String owner) {
        return jdbc.sql("""
                UPDATE jobs SET status = 'QUEUED', owner = NULL, heartbeat_at = NULL, started_at = NULL,
                    attempts = attempts - 1, progress_iteration = NULL, version = version + 1
                WHERE id = :id AND status = 'RUNNING' AND owner = :owner""")
                .param("id", id).param("owner", owner).update() == 1;
    }

    /** QUEUED → CANCELLED; false when the job is no longer queued. */
    boolean cancelQueued(String id, Instant now) {
        requireMove(JobStatus.QUEUED, JobStatus.CANCELLED);
        return jdbc.sql("""
                UPDATE jobs SET status = 'CANCELLED', finished_at = :now, version = version + 1
                WHERE id = :id AND status = 'QUEUED'""")
                .param("id", id).param("now", time(now)).update() == 1;
    }

    /** Asks the owner of a running job to stop it at its next iteration. */
    boolean requestCancel(String id) {
        return jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id = :id AND status = 'RUNNING'")
                .param("id", id).update() == 1;
    }

    /** Renews this instance's claims; returns the ids of its running jobs whose cancellation was asked for. */
    @Transactional
    List<String> heartbeat(String owner, Instant now) {
        jdbc.sql("UPDATE jobs SET heartbeat_at = :now WHERE owner = :owner AND status = 'RUNNING'")
                .param("owner", owner).param("now", time(now)).update();
        return jdbc.sql("SELECT id FROM jobs WHERE owner = :owner AND status = 'RUNNING' AND cancel_requested")
                .param("owner", owner).query(String.class).list();
    }

    /** Running jobs whose claim was last renewed before {@code cutoff} (or, with null, all running jobs). */
    List<TrainingJob> orphans(Instant cutoff) {
        if (cutoff == null) {
            return jdbc.sql("SELECT * FROM jobs WHERE status = 'RUNNING'").query(JobRepository::map).list();
        }
        return jdbc.sql("SELECT * FROM jobs WHERE status = 'RUNNING' AND heartbeat_at < :cutoff")
                .param("cutoff", time(cutoff)).query(JobRepository::map).list();
    }

    /** Re-queues an orphaned job, unless something else changed it since it was read. */
    boolean requeueOrphan(TrainingJob job) {
        return jdbc.sql("""
                UPDATE jobs SET status = 'QUEUED', owner = NULL, heartbeat_at = NULL, started_at = NULL,
                    progress_iteration = NULL, version = version + 1
                WHERE id = :id AND status = 'RUNNING' AND version = :version""")
                .param("id", job.id()).param("version", job.version()).update() == 1;
    }

    /** Fails an orphaned job that was interrupted too often, unless something else changed it since it was read. */
    boolean failOrphan(TrainingJob job, Instant now, String detail) {
        return jdbc.sql("""
                UPDATE jobs SET status = 'FAILED', owner = NULL, heartbeat_at = NULL, finished_at = :now,
                    error_type = 'interrupted', error_detail = :detail, version = version + 1
                WHERE id = :id AND status = 'RUNNING' AND version = :version""")
                .param("id", job.id()).param("version", job.version()).param("now", time(now))
                .param("detail", truncate(detail)).update() == 1;
    }

    /** Deletes a finished job; false when it is not finished (or gone). */
    boolean deleteFinished(String id) {
        return jdbc.sql("DELETE FROM jobs WHERE id = :id AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")
                .param("id", id).update() == 1;
    }

    /** The jobs of one sweep, in no particular order. */
    List<TrainingJob> findBySweep(String sweepId) {
        return jdbc.sql("SELECT * FROM jobs WHERE sweep_id = :sweep").param("sweep", sweepId)
                .query(JobRepository::map).list();
    }

    /** How many jobs, in any status, train on this data set. */
    int countUsing(String datasetId) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE dataset_id = :dataset").param("dataset", datasetId)
                .query(Integer.class).single();
    }

    /** Ids of queued or running jobs that train on this data set. */
    List<String> activeJobsUsing(String datasetId) {
        return jdbc.sql("SELECT id FROM jobs WHERE dataset_id = :dataset AND status IN ('QUEUED', 'RUNNING')")
                .param("dataset", datasetId).query(String.class).list();
    }

    private static void requireMove(JobStatus from, JobStatus to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("a job cannot move from " + from + " to " + to);
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Double number(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static TrainingJob map(ResultSet rs, int row) throws SQLException {
        List<Integer> layerSizes = new ArrayList<>(JSON.readValue(rs.getString("layer_sizes"),
                new TypeReference<List<Integer>>() {
                }));
        return new TrainingJob(
                rs.getString("id"),
                rs.getString("name"),
                JobStatus.valueOf(rs.getString("status")),
                JSON.readValue(rs.getString("spec"), JobSpec.class),
                rs.getString("sweep_id"),
                layerSizes,
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getInt("attempts"),
                rs.getString("owner"),
                instant(rs, "heartbeat_at"),
                rs.getBoolean("cancel_requested"),
                integer(rs, "progress_iteration"),
                number(rs, "iterations_per_second"),
                number(rs, "train_loss"),
                number(rs, "validation_loss"),
                number(rs, "test_loss"),
                integer(rs, "train_rows"),
                integer(rs, "validation_rows"),
                integer(rs, "test_rows"),
                rs.getString("error_type"),
                rs.getString("error_detail"),
                rs.getString("model_id"),
                rs.getInt("version"));
    }
}
