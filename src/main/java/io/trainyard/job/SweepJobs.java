package io.trainyard.job;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.dataset.Dataset;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.QueueFullException;

/**
 * The jobs side of a sweep: submitting all members as one unit, reading them back, their curves,
 * and cancelling them. Keeps the job's internals (rows, history batches, live progress) inside
 * this package.
 */
@Service
public class SweepJobs {

    private final JobService jobs;
    private final JobSpecResolver resolver;
    private final JobRepository repository;
    private final DatasetCatalog datasets;
    private final TrainingWorkers workers;

    SweepJobs(JobService jobs, JobSpecResolver resolver, JobRepository repository, DatasetCatalog datasets,
            TrainingWorkers workers) {
        this.jobs = jobs;
        this.resolver = resolver;
        this.repository = repository;
        this.datasets = datasets;
        this.workers = workers;
    }

    /** The ids of the queued jobs, in request order, and the data set they all train on. */
    public record Submitted(List<String> jobIds, String dataset) {
    }

    /**
     * Validates every request first, then checks that the queue takes all of them, and only then
     * queues them, in one transaction: a sweep is queued whole or not at all.
     *
     * @param relabel turns a problem of request {@code i} into the field and message the caller's
     *     user should see (e.g. {@code grid.alpha} instead of {@code alpha})
     * @throws InvalidRequestException with every distinct problem of every request
     * @throws QueueFullException when the queue cannot take all of them
     */
    @Transactional
    public Submitted submitAll(List<CreateJobRequest> requests, String sweepId,
            BiFunction<Integer, FieldError, FieldError> relabel) {
        List<JobSpecResolver.Resolved> resolved = new ArrayList<>();
        Set<FieldError> errors = new LinkedHashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                resolved.add(resolver.resolve(requests.get(i)));
            } catch (InvalidRequestException e) {
                for (FieldError error : e.errors()) {
                    errors.add(relabel.apply(i, error));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(new ArrayList<>(errors));
        }
        jobs.checkQueueCapacity(resolved.size());
        // Inline data is the same for every member: store it once, not once per job.
        JobSpecResolver.InlineTable inline = resolved.get(0).inline();
        if (inline != null) {
            Dataset stored = datasets.storeInline("inline data of sweep " + sweepId, inline.x(), inline.y(),
                    inline.testX(), inline.testY());
            resolved = resolved.stream().map(r -> new JobSpecResolver.Resolved(withDataset(r.spec(), stored.id()),
                    r.layerSizes(), null)).toList();
        }
        List<String> ids = new ArrayList<>();
        for (JobSpecResolver.Resolved r : resolved) {
            ids.add(jobs.enqueue(r, sweepId).id());
        }
        return new Submitted(ids, resolved.get(0).spec().dataset());
    }

    /** Lets idle workers look at the queue at once rather than at their next poll. */
    public void wakeWorkers() {
        workers.wakeUp();
    }

    /** The sweep's jobs that still exist (a finished member can be deleted on its own). */
    public List<SweepMember> members(String sweepId) {
        return repository.findBySweep(sweepId).stream().map(job -> SweepMember.from(job, jobs.live(job.id())))
                .toList();
    }

    /**
     * Every member's loss history.
     *
     * @param maxPoints downsample each curve to at most this many points, keeping its shape; null for all
     */
    public List<MemberCurve> curves(String sweepId, Integer maxPoints) {
        List<MemberCurve> out = new ArrayList<>();
        for (TrainingJob job : repository.findBySweep(sweepId)) {
            JobHistory history = JobHistory.of(jobs.history(job.id(), -1), -1, job.layerSizes().size() - 1);
            if (maxPoints != null && maxPoints < history.size()) {
                history = history.downsample(maxPoints, history.train());
            }
            out.add(new MemberCurve(job.id(), history.iteration(), history.train(), history.validation(),
                    history.test()));
        }
        return out;
    }

    /**
     * Cancels every queued member and asks every running one to stop.
     *
     * @return how many members were cancelled or asked to stop
     */
    public int cancelAll(String sweepId) {
        int cancelled = 0;
        for (TrainingJob job : repository.findBySweep(sweepId)) {
            if (job.status().isTerminal()) {
                continue;
            }
            try {
                jobs.cancel(job.id());
                cancelled++;
            } catch (IllegalJobTransitionException | JobNotFoundException e) {
                // It finished (or was deleted) between the read and the cancel: nothing left to stop.
            }
        }
        return cancelled;
    }

    private static JobSpec withDataset(JobSpec spec, String dataset) {
        return new JobSpec(spec.name(), dataset, spec.layers(), spec.activation(), spec.bias(), spec.scale(),
                spec.alpha(), spec.iterations(), spec.seed(), spec.normalize(), spec.basisDegree(),
                spec.validationFraction(), spec.warmStartModel());
    }
}
