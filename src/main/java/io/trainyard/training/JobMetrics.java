package io.trainyard.training;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.job.JobCancelledWhileQueued;
import io.trainyard.job.JobStatus;
import io.trainyard.nn.Gemm;

/**
 * Job metrics for {@code /actuator/prometheus}: queued and running jobs (across all instances),
 * finished jobs by status (every way a job ends: by its worker, cancelled while queued, given up or
 * cancelled by recovery), training iterations, how long jobs take, and the fused kernel's backups.
 */
@Component
class JobMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Counter iterations;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("trainyard.jobs.queued", queued, AtomicInteger::get)
                .description("Jobs waiting in the queue")
                .register(registry);
        Gauge.builder("trainyard.jobs.running", running, AtomicInteger::get)
                .description("Jobs being trained")
                .register(registry);
        this.iterations = Counter.builder("trainyard.training.iterations")
                .description("Gradient-descent iterations run by this instance")
                .register(registry);
        FunctionCounter.builder("trainyard.kernel.backups", this, metrics -> Gemm.helperBackups())
                .description("Shards of the fused kernel that a job's thread ran again because the helper "
                        + "thread running them was held up (no core for it): many mean a busy machine")
                .register(registry);
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
