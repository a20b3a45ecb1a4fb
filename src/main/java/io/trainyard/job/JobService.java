package io.trainyard.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionOperations;

import io.trainyard.dataset.Dataset;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.model.ModelDeleted;
import io.trainyard.model.ModelService;
import io.trainyard.security.ActiveJobsQuota;
import io.trainyard.security.Caller;
import io.trainyard.security.Owners;
import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PageCursor;
import io.trainyard.system.QueueFullException;
import io.trainyard.system.Timestamps;

/**
 * Accepting, finding, cancelling and deleting training jobs, one at a time or as the members of a
 * sweep. Training itself happens in {@code training}, which learns of new jobs through
 * {@link JobQueued}.
 */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobRepository jobs;
    private final JobSpecResolver resolver;
    private final DatasetCatalog datasets;
    private final ModelService models;
    private final RunningJobs running;
    private final ApplicationEventPublisher events;
    private final AdmissionLock admission;
    private final ActiveJobsQuota activeJobs;
    private final QueueGauge queue;
    private final QueueRefusals refusals;
    private final TransactionOperations transaction;
    private final Owners owners;

    JobService(
            JobRepository jobs,
            JobSpecResolver resolver,
            DatasetCatalog datasets,
            ModelService models,
            RunningJobs running,
            ApplicationEventPublisher events,
            AdmissionLock admission,
            ActiveJobsQuota activeJobs,
            QueueGauge queue,
            QueueRefusals refusals,
            TransactionOperations transaction,
            Owners owners) {
        this.jobs = jobs;
        this.resolver = resolver;
        this.datasets = datasets;
        this.models = models;
        this.running = running;
        this.events = events;
        this.admission = admission;
        this.activeJobs = activeJobs;
        this.queue = queue;
        this.refusals = refusals;
        this.transaction = transaction;
        this.owners = owners;
    }

    /**
     * Validates, stores and queues a job; returns at once.
     *
     * @throws InvalidRequestException for a bad spec
     * @throws QueueFullException when {@code trainyard.limits.queue-capacity} jobs are already waiting
     */
    public TrainingJob submit(CreateJobRequest request) {
        // Validation reads only, outside the transaction; the place in the queue is held before the
        // transaction takes a connection, so a burst into a full queue is refused without one (QueueGauge).
        JobSpecResolver.Resolved resolved = resolver.resolve(request, null);
        try (QueueGauge.Reservation place = refusals.reserve(1)) {
            return transaction.execute(status -> {
                String id = UUID.randomUUID().toString();
                JobSpecResolver.Resolved stored = withInlineStored(resolved, "inline data of job " + id);
                admit(1, place);
                if (resolved.inline() == null) {
                    // Inline data was stored by this transaction, unseen by any deletion: nothing to ask again.
                    requireDataset(stored.spec().dataset(), "dataset");
                }
                requireModel(stored.spec().warmStartModel(), "warmStartModel");
                TrainingJob job =
                        enqueue(id, stored, null, jobs.nextTurn(Caller.current().name()));
                events.publishEvent(new JobQueued(1));
                return job;
            });
        }
    }

    /**
     * What a job would be, checked exactly like {@link #submit} (limits, memory and warm start included)
     * but storing nothing and queueing nothing.
     *
     * @throws InvalidRequestException for a bad spec
     */
    public DryRun dryRun(CreateJobRequest request) {
        return DryRun.of(resolver.resolve(request, null));
    }

    /**
     * What every member of a sweep would be, checked exactly like {@link #submitAll}, creating nothing.
     *
     * @param inline the data every member trains on, checked once for all of them (the members name
     *     no data of their own); null when they name a data set
     * @throws InvalidMembersException with every problem of every member
     * @throws IdenticalMembersException when members would train exactly alike
     */
    public List<DryRun> dryRunAll(List<CreateJobRequest> requests, CheckedInlineData inline) {
        return resolveAll(requests, inline).stream().map(DryRun::of).toList();
    }

    /**
     * A job as it would be submitted.
     *
     * @param spec resolved; {@code dataset} is null for inline data, which a dry run does not store
     */
    public record DryRun(JobSpec spec, List<Integer> layerSizes, long parameters, long estimatedMemoryBytes) {

        static DryRun of(JobSpecResolver.Resolved resolved) {
            return new DryRun(
                    resolved.spec(), resolved.layerSizes(), resolved.parameters(), resolved.estimatedMemoryBytes());
        }
    }

    /** The ids of a sweep's queued jobs, in request order, and the data set they all train on. */
    public record Submitted(List<String> jobIds, String dataset) {}

    /**
     * Validates every member first, then checks that the queue takes all of them, and only then
     * queues them, in one transaction: a sweep is queued whole or not at all.
     *
     * @param inline the data every member trains on, checked once for all of them (the members name
     *     no data of their own) and stored once here; null when they name a data set
     * @throws InvalidMembersException with every problem of every member
     * @throws IdenticalMembersException when members would train exactly alike
     * @throws QueueFullException when the queue cannot take all of them
     */
    @Transactional
    public Submitted submitAll(List<CreateJobRequest> requests, CheckedInlineData inline, String sweepId) {
        List<JobSpecResolver.Resolved> resolved = resolveAll(requests, inline);
        refusals.refuseWhenFull(queue.recent(), 0, resolved.size());
        // Inline data is the same for every member: store it once, not once per job.
        String dataset = withInlineStored(resolved.get(0), "inline data of sweep " + sweepId)
                .spec()
                .dataset();
        admit(resolved.size(), null);
        // Members share the base's data set: one look per distinct id, not one per member.
        resolved.stream()
                .map(r -> r.spec().dataset())
                .filter(java.util.Objects::nonNull)
                .distinct()
                .forEach(id -> requireDataset(id, "base.dataset"));
        // Likewise the warm-start model, which comes from the base and is the same for every member.
        resolved.stream()
                .map(r -> r.spec().warmStartModel())
                .filter(java.util.Objects::nonNull)
                .distinct()
                .forEach(id -> requireModel(id, "base.warmStartModel"));
        List<String> ids = new ArrayList<>();
        // The members take consecutive turns of their owner's, as if submitted one by one.
        long turn = jobs.nextTurn(Caller.current().name());
        for (JobSpecResolver.Resolved r : resolved) {
            ids.add(enqueue(
                            UUID.randomUUID().toString(),
                            r.spec().dataset() == null ? r.withDataset(dataset) : r,
                            sweepId,
                            turn++)
                    .id());
        }
        events.publishEvent(new JobQueued(ids.size()));
        return new Submitted(ids, dataset);
    }

    /** Every member resolved against the one copy of the inline data they share, if any. */
    private List<JobSpecResolver.Resolved> resolveAll(List<CreateJobRequest> requests, CheckedInlineData inline) {
        List<JobSpecResolver.Resolved> resolved = new ArrayList<>();
        List<InvalidMembersException.MemberError> errors = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                resolved.add(resolver.resolve(requests.get(i), inline));
            } catch (InvalidRequestException e) {
                for (FieldError error : e.errors()) {
                    errors.add(new InvalidMembersException.MemberError(i, error));
                }
            } catch (ConflictException e) {
                throw new MemberConflictException(i, e);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidMembersException(errors);
        }
        refuseRepeats(resolved);
        return resolved;
    }

    /**
     * Refuses members that would train exactly as an earlier one: a duplicate job costs a worker and a
     * place in the queue and the quota for a tie on the leaderboard. Compared on what each member
     * resolves to, in one pass over a hash map.
     *
     * @throws IdenticalMembersException naming each repeat and the member it repeats
     */
    private static void refuseRepeats(List<JobSpecResolver.Resolved> resolved) {
        Map<JobSpec, Integer> first = new HashMap<>();
        List<IdenticalMembersException.Repeat> repeats = new ArrayList<>();
        for (int i = 0; i < resolved.size(); i++) {
            JobSpecResolver.Resolved member = resolved.get(i);
            Integer earlier = first.putIfAbsent(member.training(), i);
            if (earlier != null) {
                repeats.add(new IdenticalMembersException.Repeat(
                        i, earlier, member.spec(), resolved.get(earlier).spec(), member.trainingRows()));
            }
        }
        if (!repeats.isEmpty()) {
            throw new IdenticalMembersException(repeats);
        }
    }

    /** Stores a job's inline data as an unlisted data set, and names it in the spec. */
    private JobSpecResolver.Resolved withInlineStored(JobSpecResolver.Resolved resolved, String name) {
        if (resolved.inline() == null) {
            return resolved;
        }
        Dataset stored = datasets.storeInline(name, resolved.inline());
        return resolved.withDataset(stored.id());
    }

    private TrainingJob enqueue(String id, JobSpecResolver.Resolved resolved, String sweepId, long turn) {
        JobSpec spec = resolved.spec();
        // A sweep's members are queued in the request that creates the sweep: they belong to its owner.
        TrainingJob job = TrainingJob.queued(
                id,
                spec,
                sweepId,
                resolved.layerSizes(),
                Timestamps.now(),
                resolved.estimatedMemoryBytes(),
                TrainingJob.Progress.rows(resolved.trainingRows(), resolved.validationRows(), resolved.testRows()),
                Caller.current().name());
        jobs.insert(job, job.owner(), turn);
        log.info(
                "Job {} of {} queued: {} on {}, layers {}, {} iterations",
                job.id(),
                job.owner(),
                spec.name() == null ? "(unnamed)" : spec.name(),
                spec.dataset(),
                resolved.layerSizes(),
                spec.iterations());
        return job;
    }

    /**
     * The checks that count jobs, made again under the admission lock, which is held until this
     * transaction has queued the jobs: the checks before it (and the quota interceptor's, before the body
     * is read) refuse early, but two submits could both pass them on the same free place.
     */
    private void admit(int count, QueueGauge.Reservation place) {
        admission.holdUntilTransactionEnds();
        // The submit that held the lock before added its jobs to the last count: when that already says
        // full, the submits queued behind it are refused without counting in turn.
        refusals.refuseWhenKnownFull(count);
        refusals.refuseWhenFull(queue.count(), 0, count);
        activeJobs.admit(count);
        if (place != null) {
            // Given back before the jobs join the count, never after: for a moment they are in neither,
            // which can only let another submit through to this lock, never refuse one wrongly.
            place.close();
        }
        queue.joined(count);
    }

    /**
     * Refuses a job whose data set was deleted since its spec was checked. Asked under the admission
     * lock, which deleting a data set takes as well (DatasetUsage), so either the deletion sees the job
     * (409) or the job sees no data set (400): it never fails at its start for want of its data.
     */
    private void requireDataset(String dataset, String field) {
        if (!datasets.stillThere(dataset)) {
            throw new InvalidRequestException(
                    field, "unknown data set '" + dataset + "'; GET /datasets lists the available ones");
        }
    }

    /**
     * Refuses a job whose warm-start model was deleted since its spec was checked, as {@link
     * #requireDataset} does for its data set: deleting a model takes the admission lock too
     * ({@code ModelUsage}), so either the deletion sees the job (409) or the job sees no model (400).
     */
    private void requireModel(String model, String field) {
        if (model != null && !models.stillThere(model)) {
            throw new InvalidRequestException(
                    field, "unknown model '" + model + "'; GET /models lists the stored ones");
        }
    }

    /**
     * The job, when the caller may see it (its owner, or an admin; outside requests, anyone).
     *
     * @throws JobNotFoundException when there is no such job, or it belongs to another owner: both
     *     answer the same, so ids do not reveal what others have
     */
    public TrainingJob get(String id) {
        return jobs.find(id, Caller.current().onlyOwner()).orElseThrow(() -> new JobNotFoundException(id));
    }

    /** What is known of a job's progress right now (this instance's live view while it trains it). */
    public LiveProgress progress(TrainingJob job) {
        return LiveProgress.latest(job, running.get(job.id()));
    }

    /** The job's attempts so far, in order (empty before its first claim). */
    List<JobAttempt> attempts(TrainingJob job) {
        return attempts(List.of(job)).getOrDefault(job.id(), List.of());
    }

    /** The attempts of several jobs in one query (a page of the list), by job id. */
    Map<String, List<JobAttempt>> attempts(List<TrainingJob> of) {
        return jobs.attempts(of.stream().map(TrainingJob::id).toList());
    }

    /** The job as clients see it, attempts included. */
    JobResponse describe(TrainingJob job) {
        return JobResponse.from(job, progress(job), attempts(job));
    }

    /** A page of jobs, newest first; {@code cursor} comes from the previous page. */
    PageCursor.Page<TrainingJob> page(
            JobStatus status, String name, String sweepId, String owner, int limit, String cursor) {
        // The name filter is matched regardless of case (JobRepository.page): any spelling is the same list.
        String nameFilter = name == null || name.isEmpty() ? null : name.toLowerCase(Locale.ROOT);
        Owners.Listing listing = owners.listing("jobs", owner, cursor, status, nameFilter, sweepId);
        return listing.page(
                jobs.page(status, name, sweepId, listing.owner(), listing.after(), limit + 1),
                limit,
                TrainingJob::createdAt,
                TrainingJob::id);
    }

    /** The jobs of a sweep that still exist (a finished member can be deleted on its own), in no order. */
    public List<TrainingJob> ofSweep(String sweepId) {
        return jobs.findBySweep(sweepId);
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop at its next iteration. The
     * request is stored with the job, so it outlives a requeue (a crash or pause of the instance
     * training it); and it wins over completion only if it arrives first: the worker's final
     * SUCCEEDED is written only while no cancel is pending, and a cancel is accepted only while the
     * job is still RUNNING, both on the same row, so the answer here and the outcome agree.
     *
     * @return the job: CANCELLED, or RUNNING with {@code cancelRequested}
     * @throws IllegalJobTransitionException for a job that has already finished (e.g. SUCCEEDED first)
     */
    public TrainingJob cancel(String id) {
        // Each round either changes the row or sees it change under it (requeued, claimed, finished); a few suffice.
        for (int round = 0; round < 10; round++) {
            TrainingJob job = get(id);
            if (job.status() == JobStatus.QUEUED && jobs.cancelQueued(id, Instant.now())) {
                log.info("Job {} of {} cancelled while queued", id, job.owner());
                // First what follows from the cancel (a checkpoint of a job handed back earlier goes, and
                // early stopping's best point so far with it onto the job), then the watchers are told.
                events.publishEvent(new JobCancelledWhileQueued(id));
                events.publishEvent(new JobFinished(id));
                return get(id);
            }
            if (job.status() == JobStatus.RUNNING && jobs.requestCancel(id)) {
                RunningJob live = running.get(id);
                if (live != null) {
                    live.requestCancel();
                }
                log.info("Job {} of {} asked to stop at its next iteration", id, job.owner());
                return get(id);
            }
            if (job.status().isTerminal()) {
                throw new IllegalJobTransitionException("Job " + id + " is already " + job.status()
                        + "; only QUEUED or RUNNING jobs can be cancelled.");
            }
        }
        throw new IllegalJobTransitionException(
                "Job " + id + " changed status too often while being cancelled; try again.");
    }

    /** What cancelling a sweep did: how many queued members it cancelled and how many running ones it asked to stop. */
    public record SweepCancellation(int cancelled, int stopping) {}

    /**
     * Cancels every queued member of a sweep and asks every running one to stop, all in one
     * transaction that locks the members first ({@link JobRepository#cancelSweep}): no member that
     * was queued when the cancel began is started after it, whichever instance's worker frees up.
     * The running members on this instance are told at once; other instances see the stored flag
     * within a heartbeat.
     */
    public SweepCancellation cancelSweep(String sweepId) {
        JobRepository.CancelledMembers members =
                transaction.execute(status -> jobs.cancelSweep(sweepId, Instant.now()));
        for (String id : members.cancelled()) {
            events.publishEvent(new JobFinished(id));
            events.publishEvent(new JobCancelledWhileQueued(id));
        }
        for (String id : members.stopping()) {
            RunningJob live = running.get(id);
            if (live != null) {
                live.requestCancel();
            }
        }
        log.info(
                "Sweep {}: {} queued members cancelled, {} running members asked to stop at their next iteration",
                sweepId,
                members.cancelled().size(),
                members.stopping().size());
        return new SweepCancellation(
                members.cancelled().size(), members.stopping().size());
    }

    /**
     * A deleted model is no longer the {@code modelId} of the job that trained it: run inside the
     * delete's transaction, so the two commit together ({@link FinishedJobs} forgets the job after).
     */
    @EventListener
    void modelDeleted(ModelDeleted deleted) {
        if (deleted.jobId() != null) {
            jobs.forgetModel(deleted.jobId(), deleted.modelId());
        }
    }

    /**
     * Deletes a finished job; its history goes with it (foreign key), its model stays.
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
        if (jobs.countUsing(job.spec().dataset()) == 0) {
            datasets.releaseInline(job.spec().dataset());
        }
    }
}
