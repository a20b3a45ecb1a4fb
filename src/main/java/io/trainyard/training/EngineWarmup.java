package io.trainyard.training;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.nn.Trainer;
import io.trainyard.nn.TrainingPlan;
import io.trainyard.nn.TrainingResult;
import io.trainyard.nn.Warmup;
import io.trainyard.system.TrainyardProperties;

/**
 * Warms the JIT-compiled training loop so that the first jobs of a fresh process train at full
 * speed instead of paying for the compiler (see {@link Warmup}). A {@link Rehearser} trains
 * homework-sized jobs through the job's own listener (a {@link HistoryRecorder} whose batches go
 * nowhere) and the job's own stop condition ({@link JobRunner#stopWhen} with a {@link StopSignal}):
 * C2 compiles a call site for the classes it has seen there, and a warm-up with other classes left
 * the first real jobs to deoptimise and recompile the loop.
 *
 * <p>{@link WarmupOnStart} starts it while the application context is still being built (about ten
 * seconds of mostly one core on a small machine), so a job submitted the moment the service answers
 * already runs compiled code; when the service is ready this bean tells it to give way to real jobs.
 * A service started otherwise (an embedding, a test that asks for it) starts it here, once ready.
 * {@code trainyard.warmup-iterations=0} turns it off (the tests do, to save CPU).
 */
@Component
class EngineWarmup {

    private static final Logger log = LoggerFactory.getLogger(EngineWarmup.class);

    /** The rehearser {@link WarmupOnStart} started before this bean existed, if any. */
    private static final AtomicReference<Rehearser> early = new AtomicReference<>();

    private final int iterations;
    private final TrainingWorkers workers;
    private final RunningJobs running;
    private final TrainyardProperties properties;

    EngineWarmup(
            @Value("${trainyard.warmup-iterations:" + Rehearser.DEFAULT_ITERATIONS + "}") int iterations,
            TrainingWorkers workers,
            RunningJobs running,
            TrainyardProperties properties) {
        this.iterations = iterations;
        this.workers = workers;
        this.running = running;
        this.properties = properties;
    }

    /** Starts a rehearsal in the background before the context is built (see {@link WarmupOnStart}). */
    static void startEarly(int iterations, TrainyardProperties properties) {
        if (iterations <= 0) {
            return;
        }
        Rehearser rehearser = new Rehearser(
                iterations, new StopSignal(), properties.historyFlushInterval(), properties.heartbeatTimeout());
        if (early.compareAndSet(null, rehearser)) {
            rehearser.startInBackground();
        }
    }

    /** Whether a rehearsal started before the context is waiting to be handed over (for tests). */
    static boolean startedEarly() {
        return early.get() != null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmUp() {
        StopSignal stopping = workers.stopSignal();
        // A job of this instance's own (or its shutdown) comes first: the rehearsal stops at its next run.
        BooleanSupplier giveWay =
                () -> stopping.getAsBoolean() || !running.all().isEmpty();
        Rehearser started = early.getAndSet(null);
        if (started != null) {
            started.giveWayWhen(giveWay);
        } else if (iterations > 0) {
            new Rehearser(iterations, stopping, properties.historyFlushInterval(), properties.heartbeatTimeout())
                    .giveWayWhen(giveWay)
                    .startInBackground();
        }
    }

    /** What a warm-up did. */
    record Rehearsal(int iterations, int runs, Ending ending) {}

    enum Ending {
        /** The JIT compiler was quiet for the last runs. */
        SETTLED,
        /** It ran the most it may (or the JVM cannot tell its compile time). */
        CAPPED,
        /** A real job started, or the instance stops. */
        GAVE_WAY
    }

    /**
     * Runs at least {@code iterations} iterations in job-sized runs of {@value #RUN}, and goes on (up
     * to four times as many) until the JIT has been quiet for {@value #QUIET_RUNS} runs in a row:
     * while the service starts, and for a while after, the compiler is busy with the framework, and
     * a fixed count used to end before the loop's own compilations arrived. Then the wide-layer (BLAS) path trains for a
     * tenth of the minimum. It writes nothing: no database row, no metric, no running job anyone can
     * see.
     */
    static final class Rehearser {

        /** What {@code bench/crew} shows the kernel and its helper crew need before they run at full speed. */
        static final int DEFAULT_ITERATIONS = 16_000;

        /** Iterations per rehearsed job: a small job's worth, so the once-per-job code is rehearsed too. */
        static final int RUN = 1_000;

        /** Runs in a row in which the JIT compiled for at most {@link #QUIET_MILLIS} before the warm-up ends. */
        static final int QUIET_RUNS = 3;

        private static final long QUIET_MILLIS = 2;
        private static final int MAX_FACTOR = 4;

        private final int iterations;
        private final StopSignal stopping;
        private final Duration flushInterval;
        private final Duration lease;
        private volatile BooleanSupplier giveWay = () -> false;

        Rehearser(int iterations, StopSignal stopping, Duration flushInterval, Duration lease) {
            this.iterations = iterations;
            this.stopping = stopping;
            this.flushInterval = flushInterval;
            this.lease = lease;
        }

        /** From now on the rehearsal ends at its next run once {@code condition} holds. */
        Rehearser giveWayWhen(BooleanSupplier condition) {
            this.giveWay = condition;
            return this;
        }

        void startInBackground() {
            Thread thread = new Thread(
                    () -> {
                        long start = System.nanoTime();
                        try {
                            Rehearsal done = rehearse();
                            log.info(
                                    "Engine warmed up: {} iterations ({} job-sized runs) in {} ms; {}",
                                    done.iterations(),
                                    done.runs(),
                                    (System.nanoTime() - start) / 1_000_000,
                                    switch (done.ending()) {
                                        case SETTLED -> "the JIT compiler has settled";
                                        case CAPPED -> "the JIT compiler was still busy";
                                        case GAVE_WAY -> "stopped early for a job or shutdown";
                                    });
                        } catch (RuntimeException | LinkageError | ExecutionException e) {
                            // Only speed is at stake: jobs run the same code, compiled or not.
                            log.warn("Engine warm-up failed: {}", e.toString());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "trainyard-engine-warmup");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            thread.start();
        }

        /** Trains until warm, on the calling thread. */
        Rehearsal rehearse() throws ExecutionException, InterruptedException {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
            long compiled = timed ? jit.getTotalCompilationTime() : 0;
            Warmup.Problem homework = Warmup.homework();
            JobMetrics uncounted = new JobMetrics(new SimpleMeterRegistry());
            int ran = 0;
            int runs = 0;
            int quiet = 0;
            while (ran < iterations || (timed && quiet < QUIET_RUNS && ran < MAX_FACTOR * iterations)) {
                if (givingWay()) {
                    return new Rehearsal(ran, runs, Ending.GAVE_WAY);
                }
                TrainingResult run = rehearseJob(homework, uncounted);
                ran += run.updates();
                runs++;
                if (run.outcome() != TrainingResult.Outcome.COMPLETED) {
                    return new Rehearsal(ran, runs, Ending.GAVE_WAY);
                }
                if (timed) {
                    long now = jit.getTotalCompilationTime();
                    quiet = now - compiled <= QUIET_MILLIS ? quiet + 1 : 0;
                    compiled = now;
                }
            }
            if (givingWay()) {
                return new Rehearsal(ran, runs, Ending.GAVE_WAY);
            }
            ran += Warmup.wide(Math.max(1, iterations / 10));
            return new Rehearsal(ran, runs, timed && quiet >= QUIET_RUNS ? Ending.SETTLED : Ending.CAPPED);
        }

        private boolean givingWay() {
            return stopping.getAsBoolean() || giveWay.getAsBoolean();
        }

        /** One homework-sized run, as {@link JobRunner} trains a job, with every write going nowhere. */
        private TrainingResult rehearseJob(Warmup.Problem problem, JobMetrics uncounted)
                throws ExecutionException, InterruptedException {
            RunningJob live = RunningJobs.unlisted("engine-warmup", RUN);
            HistoryRecorder recorder = new HistoryRecorder(
                    live,
                    problem.start().depth(),
                    problem.data().validation() != null,
                    problem.data().test() != null,
                    0,
                    (chunk, fence, alongside) -> {
                        fence.getAsBoolean();
                        if (alongside != null) {
                            alongside.run();
                        }
                        return CompletableFuture.completedFuture(true);
                    },
                    new HistoryRecorder.AttemptWrites() {
                        @Override
                        public boolean progress(LiveProgress progress) {
                            return true;
                        }

                        @Override
                        public void checkpoint(int iteration, byte[] state) {}
                    },
                    uncounted,
                    flushInterval,
                    Duration.ofDays(1),
                    Duration.ofDays(1));
            TrainingResult result = new Trainer(TrainingPlan.fullBatch(1e-6, RUN))
                    .train(problem.start(), problem.data(), recorder, JobRunner.stopWhen(live, stopping, lease));
            recorder.finishKeepingTail();
            return result;
        }
    }
}
