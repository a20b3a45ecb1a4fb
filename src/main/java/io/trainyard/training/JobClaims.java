package io.trainyard.training;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.job.JobStatus;
import io.trainyard.job.JobStatusGate;
import io.trainyard.job.TrainingJob;
import io.trainyard.system.Rows;

/**
 * The training side's writes to the jobs table: claims, heartbeats, progress and outcomes. Every
 * status change goes through {@link JobStatusGate}; every write about a running job names the
 * instance that holds its claim, so an instance that lost a claim changes nothing.
 */
@Repository
class JobClaims {

    private static final int MAX_DETAIL = 4000;

    private final JdbcClient jdbc;
    private final JobStatusGate gate;

    JobClaims(JdbcClient jdbc, JobStatusGate gate) {
        this.jdbc = jdbc;
        this.gate = gate;
    }

    /** QUEUED → RUNNING for {@code instance}; false when another worker got there first. */
    boolean claim(String id, String instance, Instant now) {
        return gate.move(id, JobStatus.RUNNING).from(JobStatus.QUEUED)
                .set("claimed_by = :instance").set("heartbeat_at = :now").set("started_at = :now")
                .set("attempts = attempts + 1").set("cancel_requested = FALSE").set("progress_iteration = 0")
                .set("iterations_per_second = NULL").set("train_loss = NULL").set("validation_loss = NULL")
                .set("test_loss = NULL")
                .param("instance", instance).param("now", Rows.time(now)).apply();
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
     * RUNNING → a terminal status, only while {@code instance} still holds the claim.
     *
     * @return false when the claim was lost (the job was recovered by another instance meanwhile)
     */
    boolean finish(String id, String instance, JobStatus status, Instant now, String modelId, String errorType,
            String errorDetail) {
        return gate.move(id, status).from(JobStatus.RUNNING).where("claimed_by = :instance")
                .set("finished_at = :now").set("heartbeat_at = NULL").set("model_id = :model")
                .set("error_type = :errorType").set("error_detail = :errorDetail")
                .param("instance", instance).param("now", Rows.time(now)).param("model", modelId)
                .param("errorType", errorType).param("errorDetail", Rows.truncate(errorDetail, MAX_DETAIL)).apply();
    }

    /** RUNNING → QUEUED after a clean stop of this instance: the interruption is not the job's fault. */
    boolean requeueAfterShutdown(String id, String instance) {
        return gate.move(id, JobStatus.QUEUED).from(JobStatus.RUNNING).where("claimed_by = :instance")
                .set("claimed_by = NULL").set("heartbeat_at = NULL").set("started_at = NULL")
                .set("attempts = attempts - 1").set("progress_iteration = NULL")
                .param("instance", instance).apply();
    }

    /** Renews this instance's claims; returns the ids of its running jobs whose cancellation was asked for. */
    @Transactional
    List<String> heartbeat(String instance, Instant now) {
        jdbc.sql("UPDATE jobs SET heartbeat_at = :now WHERE claimed_by = :instance AND status = 'RUNNING'")
                .param("instance", instance).param("now", Rows.time(now)).update();
        return jdbc.sql("SELECT id FROM jobs WHERE claimed_by = :instance AND status = 'RUNNING' AND cancel_requested")
                .param("instance", instance).query(String.class).list();
    }

    /** Re-queues an orphaned job, unless something else changed it since it was read. */
    boolean requeueOrphan(TrainingJob job) {
        return gate.move(job.id(), JobStatus.QUEUED).from(JobStatus.RUNNING).where("version = :version")
                .set("claimed_by = NULL").set("heartbeat_at = NULL").set("started_at = NULL")
                .set("progress_iteration = NULL")
                .param("version", job.claim().version()).apply();
    }

    /** Fails an orphaned job that was interrupted too often, unless something else changed it since it was read. */
    boolean failOrphan(TrainingJob job, Instant now, String detail) {
        return gate.move(job.id(), JobStatus.FAILED).from(JobStatus.RUNNING).where("version = :version")
                .set("claimed_by = NULL").set("heartbeat_at = NULL").set("finished_at = :now")
                .set("error_type = 'interrupted'").set("error_detail = :detail")
                .param("version", job.claim().version()).param("now", Rows.time(now))
                .param("detail", Rows.truncate(detail, MAX_DETAIL)).apply();
    }
}
