package io.trainyard.training;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.trainyard.job.JobRepository;
import io.trainyard.job.JobStatus;
import io.trainyard.job.TrainingJob;
import io.trainyard.system.TrainyardProperties;

/**
 * Puts jobs orphaned by a crashed instance back in the queue, or fails them once they have been
 * interrupted {@code max-attempts} times in a row without a new checkpoint, so that no job stays
 * RUNNING forever and a job that kills its instance cannot take the cluster down forever. A job that
 * checkpoints between interruptions is making progress: its count starts again
 * ({@link JobCheckpoints#save}), however many crashes or freezes it lives through.
 */
@Component
class JobRecovery {

    private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);

    private final JobRepository jobs;
    private final JobClaims claims;
    private final TrainyardProperties properties;
    private final JobMetrics metrics;

    JobRecovery(JobRepository jobs, JobClaims claims, TrainyardProperties properties, JobMetrics metrics) {
        this.jobs = jobs;
        this.claims = claims;
        this.properties = properties;
        this.metrics = metrics;
    }

    /**
     * Recovers running jobs whose claim was last renewed before {@code cutoff}, a time on the
     * database's clock; null recovers every running job (an embedded database at start-up).
     *
     * @return how many jobs were re-queued
     */
    int recover(Instant cutoff) {
        Instant limit = cutoff != null ? cutoff : claims.databaseNow().plus(Duration.ofDays(1));
        int requeued = 0;
        for (TrainingJob job : jobs.runningSince(limit)) {
            if (job.claim().cancelRequested()) {
                if (claims.cancelOrphan(job, limit)) {
                    metrics.finished(JobStatus.CANCELLED);
                    log.warn(
                            "Job {} was orphaned by instance {} after a cancel was asked for; CANCELLED",
                            job.id(),
                            job.claim().instance());
                }
            } else if (job.claim().stalledAttempts() >= properties.maxAttempts()) {
                String detail = "Training was interrupted " + job.claim().stalledAttempts() + " times in a row without"
                        + " getting past its latest checkpoint (the instance running it crashed, was stopped or lost"
                        + " its claim each time); giving up after " + properties.maxAttempts() + " attempts"
                        + " (trainyard.max-attempts).";
                if (claims.failOrphan(job, limit, detail)) {
                    metrics.finished(JobStatus.FAILED);
                    log.warn("Job {} FAILED: {}", job.id(), detail);
                }
            } else if (claims.requeueOrphan(job, limit)) {
                // Counted by JobClaims with the move (jobs.requeued{reason=recovered}, attempts.ended{outcome=lost}).
                requeued++;
                log.warn(
                        "Job {} was orphaned by instance {} during attempt {}; re-queued to resume from its latest"
                                + " checkpoint",
                        job.id(),
                        job.claim().instance(),
                        job.claim().attempts());
            }
        }
        return requeued;
    }
}
