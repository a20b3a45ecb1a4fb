package io.trainyard.training;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.job.JobAttempt;
import io.trainyard.job.JobCancelledWhileQueued;
import io.trainyard.job.JobStatus;
import io.trainyard.nn.Gemm;

/**
 * Job metrics for {@code /actuator/prometheus}: queued and running jobs (across all instances),
 * finished jobs by status (every way a job ends: by its worker, cancelled while queued, given up or
 * cancelled by recovery), attempts by how they ended and jobs put back in the queue (so that crashes,
 * freezes and stops show as more than log lines), training iterations, how long jobs take, and the
 * fused kernel's backups.
 */
@Component
class JobMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Counter iterations;
    private final Map<JobAttempt.Outcome, Counter> attemptsEnded = new EnumMap<>(JobAttempt.Outcome.class);
    private final Map<Requeue, Counter> requeued = new EnumMap<>(Requeue.class);

    /** Why a running job went back to the queue. */
    enum Requeue {
        /** This instance stopped cleanly and handed its job back (attempt {@code handed-back}). */
        HANDED_BACK("handed-back"),
        /**
         * A worker of this instance could not renew its claim for a whole heartbeat-timeout (a paused
         * JVM, the database out of reach) and put its job back itself (attempt {@code lost}).
         */
        LEASE_LAPSED("lease-lapsed"),
        /**
         * This instance's recovery took a job whose claim had expired: its instance crashed, froze or was
         * cut off, or this instance itself before a restart (attempt {@code lost}).
         */
        RECOVERED("recovered");

        final String label;

        Requeue(String label) {
            this.label = label;
        }
    }

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("trainyard.jobs.queued", queued, AtomicInteger::get)
                .description(
                        "Jobs waiting in the queue, of every instance sharing the database (take the max over instances, not the sum)")
                .register(registry);
        Gauge.builder("trainyard.jobs.running", running, AtomicInteger::get)
                .description(
                        "Jobs being trained, by every instance sharing the database (take the max over instances, not the sum)")
                .register(registry);
        this.iterations = Counter.builder("trainyard.training.iterations")
                .description("Gradient-descent iterations run by this instance")
                .register(registry);
        FunctionCounter.builder("trainyard.kernel.backups", this, metrics -> Gemm.helperBackups())
                .description("Shards of the fused kernel that a job's thread ran again because the helper "
                        + "thread running them was held up (no core for it): many mean a busy machine")
                .register(registry);
        // Registered at 0 up front, so an alert on a rise of "lost" has a series to watch from the start.
        for (JobAttempt.Outcome outcome : JobAttempt.Outcome.values()) {
            attemptsEnded.put(
                    outcome,
                    Counter.builder("trainyard.job.attempts.ended")
                            .description("Attempts (claims of a job by an instance) that ended, by outcome, "
                                    + "counted by the instance whose move ended them (a recovery's lost ones by "
                                    + "the recovering instance)")
                            .tag("outcome", outcome.id())
                            .register(registry));
        }
        for (Requeue reason : Requeue.values()) {
            requeued.put(
                    reason,
                    Counter.builder("trainyard.jobs.requeued")
                            .description("Running jobs put back in the queue to resume from their checkpoint, "
                                    + "by reason")
                            .tag("reason", reason.label)
                            .register(registry));
        }
    }

    /** An attempt's record was closed with {@code outcome}, in a transaction that committed. */
    void attemptEnded(JobAttempt.Outcome outcome) {
        attemptsEnded.get(outcome).increment();
    }

    /** A running job went back to the queue, in a transaction that committed. */
    void requeued(Requeue reason) {
        requeued.get(reason).increment();
    }

    void queueSizes(int queuedJobs, int runningJobs) {
        queued.set(queuedJobs);
        running.set(runningJobs);
    }

    void iterations(int count) {
        iterations.increment(count);
    }

    /** A job that ended without a worker training it to the end: counted, but it has no duration. */
    void finished(JobStatus status) {
        Counter.builder("trainyard.jobs.finished")
                .description("Jobs that reached a final status")
                .tag("status", status.name())
                .register(registry)
                .increment();
    }

    @EventListener
    void cancelledWhileQueued(JobCancelledWhileQueued event) {
        finished(JobStatus.CANCELLED);
    }

    void finished(JobStatus status, Duration duration, JobPhases phases) {
        finished(status);
        if (duration != null) {
            Timer.builder("trainyard.job.duration")
                    .description("Time from the start of training to its end")
                    .tag("status", status.name())
                    .register(registry)
                    .record(duration);
        }
        phases.nanos()
                .forEach((phase, nanos) -> Timer.builder("trainyard.job.phase")
                        .description("Time an attempt spent in each phase: setup, training, history, outcome")
                        .tag("phase", phase.label)
                        .register(registry)
                        .record(Duration.ofNanos(nanos)));
    }
}
