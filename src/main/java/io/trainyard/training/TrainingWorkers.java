package io.trainyard.training;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import io.trainyard.job.JobQueued;
import io.trainyard.job.JobRepository;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.job.TrainingJob;
import io.trainyard.system.DatabaseDiskSpace;
import io.trainyard.system.ShutdownDeadline;
import io.trainyard.system.TrainyardProperties;

/**
 * The pool of training threads. Each worker claims the oldest queued job in the database (so
 * several instances can share one queue), trains it, and looks for the next; idle workers wake up
 * at once when this instance accepts a job and every {@code poll-interval} for jobs accepted by
 * other instances.
 *
 * <p>On a clean stop (which comes first, before the web server and the database stop) the running
 * jobs store a checkpoint and are handed back to the queue between two iterations. After a crash,
 * {@link JobRecovery} re-queues them; either way the next attempt resumes from the checkpoint.
 */
@Component
class TrainingWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrainingWorkers.class);

    private final JobRepository jobs;
    private final JobClaims claims;
    private final JobRunner runner;
    private final JobRecovery recovery;
    private final MemoryBudget memory;
    private final TrainyardProperties properties;
    private final DataSource dataSource;
    private final RunningJobs running;
    private final DatabaseDiskSpace disk;
    private final String instance;
    private final WorkSignal signal;
    private final List<Thread> threads = new ArrayList<>();
    /** Raised once this instance is shutting down: what a run checks between iterations. */
    private final StopSignal stopping = new StopSignal();

    private volatile boolean started;

    TrainingWorkers(
            JobRepository jobs,
            JobClaims claims,
            JobRunner runner,
            JobRecovery recovery,
            MemoryBudget memory,
            TrainyardProperties properties,
            DataSource dataSource,
            RunningJobs running,
            DatabaseDiskSpace disk) {
        this.memory = memory;
        this.running = running;
        this.disk = disk;
        this.jobs = jobs;
        this.claims = claims;
        this.runner = runner;
        this.recovery = recovery;
        this.properties = properties;
        this.dataSource = dataSource;
        this.instance = properties.instanceId().isBlank() ? defaultInstanceId() : properties.instanceId();
        this.signal = new WorkSignal(properties.effectiveWorkers());
    }

    /** This instance's name in job claims. */
    String instance() {
        return instance;
    }

    /**
     * Jobs were queued (by this instance): as many idle workers as there are jobs look at the queue at
     * once rather than at their next poll; the others sleep on ({@link WorkSignal}).
     */
    @TransactionalEventListener(fallbackExecution = true)
    void onQueued(JobQueued queued) {
        signal.announce(queued.count());
    }

    /** Tells every idle worker that there may be work (jobs recovered, this instance stopping). */
    void wakeUp() {
        signal.announceAll();
    }

    @Override
    public void start() {
        if (ShutdownDeadline.stopBegun()) {
            // Stopped while starting (a stop is not seen by the context until it is built): claiming a
            // job now would only hand it back a moment later.
            log.info("Not starting the training workers: this instance is stopping");
            return;
        }
        if (isEmbeddedDatabase()) {
            // An embedded file database is locked by one process: whatever is RUNNING in it was
            // orphaned by a previous run of this instance, so there is no need to wait for its claim to expire.
            recovery.recover(null);
        }
        stopping.lower();
        int count = properties.effectiveWorkers();
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(this::work, "trainyard-worker-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        started = true;
        log.info(
                "Started {} training workers as instance {}; matrix products: {}",
                count,
                instance,
                io.trainyard.nn.Gemm.implementation());
    }

    @Override
    public void stop() {
        stopping.raise();
        wakeUp();
        // Workers stop between two iterations, store a checkpoint and hand their jobs back: well
        // under a second. The deadline only bounds a worker stuck elsewhere (its job is recovered
        // from its last checkpoint later); half the budget leaves the rest to the web server.
        long deadline = System.nanoTime() + properties.shutdownTimeout().toNanos() / 2;
        for (Thread thread : threads) {
            try {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) {
                    thread.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        handBackLateJobs();
        threads.clear();
        started = false;
        log.info("Training workers stopped");
    }

    /**
     * Hands back the jobs of workers that did not stop in time: one iteration of a wide network with
     * Adam (3 million parameters) took seconds on a loaded machine, and its checkpoint longer still,
     * so a worker can be mid-iteration or mid-write when half the stop budget is up. Left RUNNING, the
     * job was recovered at the next start as {@code lost}, counted against {@code max-attempts}: three
     * clean restarts failed it as "interrupted" (audit 30). The stop is this instance's doing, not the
     * job's, so the job goes back to the queue as {@code handed-back}, at its latest stored
     * checkpoint; the worker's own writes after that are refused by the claim's fence, and the work
     * since the checkpoint is done again.
     */
    private void handBackLateJobs() {
        for (RunningJob job : running.all()) {
            try {
                if (claims.handBack(job.id(), instance, job.token())) {
                    log.warn(
                            "Job {} was still mid-iteration or mid-checkpoint when the workers' half of"
                                    + " trainyard.shutdown-timeout ran out: handed back at its latest stored"
                                    + " checkpoint; the iterations since are trained again",
                            job.id());
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Job {} could not be handed back ({}); it resumes from its latest checkpoint once recovered",
                        job.id(),
                        e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /**
     * Stop first, before the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and long
     * before the connection pool closes, so running jobs can still checkpoint and be handed back.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    /** The condition every run of this instance stops on: the instance shutting down. */
    StopSignal stopSignal() {
        return stopping;
    }

    /** Workers that are no longer alive although the pool runs (for the health indicator). */
    int deadWorkers() {
        if (!started || stopping.getAsBoolean()) {
            return 0;
        }
        return (int) threads.stream().filter(t -> !t.isAlive()).count();
    }

    /** Whether this instance stops: its own signal, raised when the context closes, or the JVM's shutdown, which comes first. */
    private boolean stopRequested() {
        return stopping.getAsBoolean() || ShutdownDeadline.stopBegun();
    }

    private void work() {
        while (!stopRequested()) {
            try {
                Optional<Claimed> claimed = claimNext();
                if (claimed.isPresent()) {
                    try {
                        runner.run(claimed.get().job(), instance, claimed.get().token(), stopping);
                    } finally {
                        // This worker looks again at once; the others only when memory was freed for a job
                        // that was left waiting for it.
                        if (memory.release(claimed.get().job().id())) {
                            wakeUp();
                        }
                    }
                } else {
                    waitForWork();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                // The database may be briefly unreachable, or memory short for a moment; the worker
                // stays alive and tries again later (the runner itself never throws).
                log.warn("Worker could not claim a job: {}", e.toString());
                try {
                    waitForWork();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A job this worker claimed, with the claim's fencing token. */
    record Claimed(TrainingJob job, int token) {}

    Optional<Claimed> claimNext() {
        if (!disk.hasRoom()) {
            // Below trainyard.limits.min-free-disk the service stores nothing new, and a job claimed now
            // would write its history into the last of the disk, fail a write, be recovered as lost
            // (counted) and, a few rounds later, fail as interrupted. It waits QUEUED instead; the
            // workers look again at their next poll (DatabaseDiskSpace logs when room comes back).
            return Optional.empty();
        }
        signal.looking();
        List<JobClaims.Queued> candidates = claims.queued(properties.effectiveWorkers() * 2 + 1);
        for (int i = 0; i < candidates.size(); i++) {
            JobClaims.Queued queued = candidates.get(i);
            if (stopRequested()) {
                return Optional.empty();
            }
            if (queued.cancelRequested()) {
                // Cancelled while it ran elsewhere, then re-queued before that worker saw it.
                if (claims.cancelPending(queued)) {
                    log.info("Job {} CANCELLED: its cancel was asked for before it was re-queued", queued.id());
                }
                continue;
            }
            String id = queued.id();
            OptionalLong needs = estimate(queued);
            if (needs.isEmpty()) {
                continue;
            }
            long estimate = needs.getAsLong();
            if (!memory.tryReserve(id, estimate)) {
                memory.warnIfNeverFits(id, estimate);
                continue; // too large beside the running jobs: it stays QUEUED for later
            }
            OptionalInt token = claims.claim(queued, instance);
            if (token.isPresent()) {
                Optional<TrainingJob> job = jobs.find(id);
                if (job.isPresent()) {
                    // More were waiting: idle workers take them while this one trains.
                    signal.announce(candidates.size() - i - 1);
                    return Optional.of(new Claimed(job.get(), token.getAsInt()));
                }
            }
            if (memory.release(id)) {
                wakeUp();
            }
        }
        return Optional.empty();
    }

    /**
     * The working memory {@code queued} needs: the estimate stored at submission, read with the queue
     * (one query a claim fewer, and no spec decoded for a job left waiting), or for a job stored before
     * estimates were kept, {@link MemoryBudget#estimate} from its row; empty when the job is gone.
     */
    private OptionalLong estimate(JobClaims.Queued queued) {
        if (queued.estimatedMemoryBytes() != null) {
            return OptionalLong.of(queued.estimatedMemoryBytes());
        }
        return jobs.find(queued.id())
                .map(job -> OptionalLong.of(memory.estimate(job)))
                .orElse(OptionalLong.empty());
    }

    private void waitForWork() throws InterruptedException {
        signal.await(properties.pollInterval().toMillis(), stopping);
    }

    /** Looks at the queue owed to jobs announced while no worker was waiting (for tests). */
    int owedLooks() {
        return signal.tickets();
    }

    /** Workers waiting for work now (for tests). */
    int idleWorkers() {
        return signal.waiting();
    }

    private boolean isEmbeddedDatabase() {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, meta -> meta.getDatabaseProductName());
            return "H2".equalsIgnoreCase(product);
        } catch (Exception e) {
            return false;
        }
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "trainyard";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
