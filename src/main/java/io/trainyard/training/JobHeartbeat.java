package io.trainyard.training;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.trainyard.job.JobRepository;
import io.trainyard.job.JobStatus;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.system.TrainyardProperties;

/**
 * The periodic chores of the queue: renew this instance's claims, pass on cancel requests made
 * through other instances, recover orphaned jobs, and refresh the queue gauges.
 */
@Component
class JobHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(JobHeartbeat.class);

    private final JobRepository jobs;
    private final JobClaims claims;
    private final RunningJobs running;
    private final TrainingWorkers workers;
    private final JobRecovery recovery;
    private final JobMetrics metrics;
    private final TrainyardProperties properties;

    JobHeartbeat(
            JobRepository jobs,
            JobClaims claims,
            RunningJobs running,
            TrainingWorkers workers,
            JobRecovery recovery,
            JobMetrics metrics,
            TrainyardProperties properties) {
        this.jobs = jobs;
        this.claims = claims;
        this.running = running;
        this.workers = workers;
        this.recovery = recovery;
        this.metrics = metrics;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${trainyard.heartbeat-interval:2s}")
    void beat() {
        try {
            // Only the jobs this JVM is really training, each with its own token: a job whose worker
            // is gone is not renewed, so it expires and is recovered like any orphan.
            for (RunningJob job : running.all()) {
                if (job.claimLost()) {
                    continue;
                }
                if (claims.renew(job.id(), workers.instance(), job.token())) {
                    job.renewed();
                } else if (!job.isConcluding()) {
                    // (A job whose outcome was just written ended its own claim: nothing to report.)
                    log.warn("Job {}: claim lost (recovered or finished elsewhere); its worker stops", job.id());
                    job.loseClaim();
                }
            }
            for (String id : claims.cancelRequested(workers.instance())) {
                RunningJob job = running.get(id);
                if (job != null) {
                    job.requestCancel();
                }
            }
            Instant now = claims.databaseNow();
            if (recovery.recover(now.minus(properties.heartbeatTimeout())) > 0) {
                workers.wakeUp();
            }
            metrics.queueSizes(jobs.countByStatus(JobStatus.QUEUED), jobs.countByStatus(JobStatus.RUNNING));
        } catch (RuntimeException e) {
            log.warn("Heartbeat failed: {}", e.toString());
        }
    }
}
