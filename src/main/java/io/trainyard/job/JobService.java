package io.trainyard.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.system.Timestamps;
import io.trainyard.dataset.Dataset;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PageCursor;
import io.trainyard.system.QueueFullException;
import io.trainyard.system.TrainyardProperties;

/** Accepting, finding, cancelling and deleting training jobs. Training itself is {@link TrainingWorkers}' work. */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobRepository jobs;
    private final JobHistoryRepository history;
    private final JobSpecResolver resolver;
    private final DatasetCatalog datasets;
    private final TrainingWorkers workers;
    private final RunningJobs running;
    private final TrainyardProperties properties;

    JobService(JobRepository jobs, JobHistoryRepository history, JobSpecResolver resolver, DatasetCatalog datasets,
            TrainingWorkers workers, RunningJobs running, TrainyardProperties properties) {
        this.jobs = jobs;
        this.history = history;
        this.resolver = resolver;
        this.datasets = datasets;
        this.workers = workers;
        this.running = running;
        this.properties = properties;
    }

    /**
     * Validates, stores and queues a job; returns at once.
     *
     * @throws InvalidRequestException for a bad spec
     * @throws QueueFullException when {@code trainyard.limits.queue-capacity} jobs are already waiting
     */
    TrainingJob submit(CreateJobRequest request) {
        return submit(request, null);
    }

    TrainingJob submit(CreateJobRequest request, String sweepId) {
        JobSpecResolver.Resolved resolved = resolver.resolve(request);
        checkQueueCapacity(1);
        return enqueue(resolved, sweepId);
    }

    /** Stores and queues a job that has been resolved (validated) already. */
    TrainingJob enqueue(JobSpecResolver.Resolved resolved, String sweepId) {
        JobSpec spec = resolved.spec();
        String id = UUID.randomUUID().toString();
        if (resolved.inline() != null) {
            JobSpecResolver.InlineTable data = resolved.inline();
            Dataset stored = datasets.storeInline("inline data of job " + id, data.x(), data.y(), data.testX(),
                    data.testY());
            spec = new JobSpec(spec.name(), stored.id(), spec.layers(), spec.activation(), spec.bias(), spec.scale(),
                    spec.alpha(), spec.iterations(), spec.seed(), spec.normalize(), spec.basisDegree(),
                    spec.validationFraction(), spec.warmStartModel());
        }
        TrainingJob job = new TrainingJob(id, spec.name(), JobStatus.QUEUED, spec, sweepId, resolved.layerSizes(),
                Timestamps.now(), null, null, 0, null, null, false, null, null, null, null, null, null, null, null, null,
                null, null, 0);
        jobs.insert(job);
        log.info("Job {} queued: {} on {}, layers {}, {} iterations", id, spec.name() == null ? "(unnamed)" : spec.name(),
                spec.dataset(), resolved.layerSizes(), spec.iterations());
        workers.wakeUp();
        return job;
    }

    /** Refuses {@code count} more jobs when the queue cannot take them. */
    void checkQueueCapacity(int count) {
        int queued = jobs.countByStatus(JobStatus.QUEUED);
        int capacity = properties.limits().queueCapacity();
        if (queued + count > capacity) {
            throw new QueueFullException("The queue holds " + queued + " jobs and takes at most " + capacity
                    + " (trainyard.limits.queue-capacity); try again once some have started.", Duration.ofSeconds(10));
        }
    }

    TrainingJob get(String id) {
        return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    /** This instance's live view of a running job, or null. */
    RunningJob live(String id) {
        return running.get(id);
    }

    /** A page of jobs, newest first; {@code cursor} comes from the previous page. */
    PageCursor.Page<TrainingJob> page(JobStatus status, String name, String sweepId, int limit, String cursor) {
        return PageCursor.page(jobs.page(status, name, sweepId, PageCursor.parse(cursor), limit + 1), limit,
                TrainingJob::createdAt, TrainingJob::id);
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop at its next iteration.
     *
     * @throws IllegalJobTransitionException for a job that has already finished
     */
    TrainingJob cancel(String id) {
        TrainingJob job = get(id);
        if (job.status() == JobStatus.QUEUED && jobs.cancelQueued(id, Instant.now())) {
            log.info("Job {} cancelled while queued", id);
            return get(id);
        }
        job = get(id);
        if (job.status() == JobStatus.RUNNING) {
            jobs.requestCancel(id);
            RunningJob live = running.get(id);
            if (live != null) {
                live.requestCancel();
            }
            log.info("Job {} asked to stop at its next iteration", id);
            return get(id);
        }
        throw new IllegalJobTransitionException("Job " + id + " is already " + job.status()
                + "; only QUEUED or RUNNING jobs can be cancelled.");
    }

    /**
     * Deletes a finished job and its history.
     *
     * @throws IllegalJobTransitionException while the job is queued or running
     */
    @Transactional
    void delete(String id) {
        TrainingJob job = get(id);
        if (!job.status().isTerminal() || !jobs.deleteFinished(id)) {
            throw new IllegalJobTransitionException("Job " + id + " is " + job.status()
                    + "; cancel it first (POST /jobs/" + id + "/cancel) and delete it once it has stopped.");
        }
        history.deleteAll(id);
        if (jobs.countUsing(job.spec().dataset()) == 0) {
            datasets.releaseInline(job.spec().dataset());
        }
    }

    /** The history batches of a job holding points after {@code since}. */
    List<HistoryChunk> history(String id, int since) {
        return history.findSince(id, since);
    }
}
