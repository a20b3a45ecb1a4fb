package io.trainyard.training;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.job.JobDocumentsRehearsal;
import io.trainyard.job.JobService;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.nn.Activation;
import io.trainyard.nn.Optimizer;
import io.trainyard.nn.Trainer;
import io.trainyard.nn.TrainingPlan;
import io.trainyard.nn.TrainingResult;
import io.trainyard.nn.Warmup;
import io.trainyard.system.ShutdownDeadline;
import io.trainyard.system.TrainyardProperties;

import tools.jackson.databind.json.JsonMapper;

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

    private final JsonMapper json;
    private final JobService jobs;
    private final JobDocumentsRehearsal documents;

    EngineWarmup(
            @Value("${trainyard.warmup-iterations:" + Rehearser.DEFAULT_ITERATIONS + "}") int iterations,
            TrainingWorkers workers,
            RunningJobs running,
            TrainyardProperties properties,
            JsonMapper json,
            JobService jobs,
            JobDocumentsRehearsal documents) {
        this.iterations = iterations;
        this.workers = workers;
        this.running = running;
        this.properties = properties;
        this.json = json;
        this.jobs = jobs;
        this.documents = documents;
    }

    /** Starts a rehearsal in the background before the context is built (see {@link WarmupOnStart}). */
    static void startEarly(int iterations, TrainyardProperties properties) {
        if (iterations <= 0) {
            return;
        }
        Rehearser rehearser = new Rehearser(
                iterations, new StopSignal(), properties.historyFlushInterval(), properties.heartbeatTimeout());
        if (early.compareAndSet(null, rehearser)) {
            rehearser.startInBackground(true);
        }
    }

    /** Whether a rehearsal started before the context is waiting to be handed over (for tests). */
    static boolean startedEarly() {
        return early.get() != null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmUp() {
        if (iterations > 0) {
            rehearseFirstJob();
        }
        StopSignal stopping = workers.stopSignal();
        // A job of this instance's own (or its shutdown) comes first: the rehearsal stops at its next run.
        BooleanSupplier giveWay =
                () -> stopping.getAsBoolean() || !running.all().isEmpty();
        Rehearser started = early.getAndSet(null);
        DataPathRehearsal.SubmitPath submit = new DataPathRehearsal.SubmitPath(json, jobs::dryRun);
        if (started != null) {
            started.readingAs(submit).giveWayWhen(giveWay);
        } else if (iterations > 0) {
            new Rehearser(iterations, stopping, properties.historyFlushInterval(), properties.heartbeatTimeout())
                    .readingAs(submit)
                    .giveWayWhen(giveWay)
                    .startInBackground(false);
        }
    }

    /**
     * A job's JSON documents, once, at once, storing nothing ({@link JobDocumentsRehearsal}): tens of
     * milliseconds that the first job would otherwise spend building Jackson's serializers. Not left for
     * the idle round: the README's quickstart submits as soon as the service answers. (Rehearsing the
     * job's set-up on the built-in data set and its findings' document too made no difference that
     * eight fresh starts could show: docs/benchmarks.md, session 38.)
     *
     * @return whether it was rehearsed (a failure is logged: only the first job's speed is at stake)
     */
    boolean rehearseFirstJob() {
        long start = System.nanoTime();
        try {
            documents.rehearse();
            log.debug("A job's JSON documents rehearsed in {} ms", (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (RuntimeException e) {
            // The first job builds for itself what is missing.
            log.warn("Rehearsing a job's JSON documents failed: {}", e.toString());
            return false;
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
     * a fixed count used to end before the loop's own compilations arrived. The paths a homework job
     * does not take train once each, early ({@link #SIDE_PATHS_AFTER}, {@link #sidePaths}). It writes nothing: no database row, no metric, no running job anyone can
     * see.
     */
    static final class Rehearser {

        /** What {@code bench/crew} shows the kernel and its helper crew need before they run at full speed. */
        static final int DEFAULT_ITERATIONS = 16_000;

        /** Iterations per rehearsed job: a small job's worth, so the once-per-job code is rehearsed too. */
        static final int RUN = 1_000;

        /**
         * The paths a homework run does not take are rehearsed once each, after this many job-sized
         * runs: while the loop runs as C1's profiling code and before C2 compiles it (after about ten
         * runs here). Rehearsed at the end instead, the wide path was the first wide pass C2's code had
         * seen: the loop deoptimised ({@code unstable_if} on the fused-or-BLAS branch) and the first
         * real jobs ran it as C1 code until C2, busy with the framework, compiled it again. The same
         * holds for the activations' call sites and the passes between hidden layers (see
         * {@link #sidePaths}).
         */
        static final int SIDE_PATHS_AFTER = 3;

        /**
         * Iterations of a side path's run (epochs with mini-batches): enough for its loops to reach C2,
         * little enough that the side paths add only about a second of the warm-up's thread to a start
         * (with 250, the first tanh job still waited for the compiler in three starts of four).
         */
        static final int SIDE_RUN = 500;

        /** The rehearsal's learning rate: small, so that no run diverges; its value changes no code path. */
        private static final double ALPHA = 1e-6;

        /** Runs in a row in which the JIT compiled for at most {@link #QUIET_MILLIS} before the warm-up ends. */
        static final int QUIET_RUNS = 3;

        private static final long QUIET_MILLIS = 2;
        private static final int MAX_FACTOR = 4;
        /** How long a rehearsal started early waits for the service to be ready before it gives up settling. */
        private static final long READY_WAIT = 300;
        /** How long the ready service must stay idle before the early rehearsal settles. */
        private static final long SETTLE_DELAY_MILLIS = 2_000;

        private final int iterations;
        private final StopSignal stopping;
        private final Duration flushInterval;
        private final Duration lease;
        private volatile BooleanSupplier giveWay = () -> false;
        private final CountDownLatch ready = new CountDownLatch(1);
        /** The background rehearsal's first phase, before the service is ready. */
        private final CompletableFuture<Rehearsal> rehearsed = new CompletableFuture<>();
        /** The background rehearsal's settling once the service was ready; null when it did not settle. */
        private final CompletableFuture<Rehearsal> finished = new CompletableFuture<>();

        private Consumer<Warmup.Problem> eachRun = problem -> {};
        /** Made by the first {@link #rehearseDataPath}; used by the rehearsal's thread only. */
        private DataPathRehearsal dataPath;
        /** Iterations (updates) rehearsed so far, on the rehearsal's thread. */
        private int iterationsSoFar;
        /** How the service reads a submit, once it is ready (see {@link #readingAs}). */
        private volatile DataPathRehearsal.SubmitPath submitPath;

        Rehearser(int iterations, StopSignal stopping, Duration flushInterval, Duration lease) {
            this.iterations = iterations;
            this.stopping = stopping;
            this.flushInterval = flushInterval;
            this.lease = lease;
        }

        /**
         * From now on the rehearsal ends at its next run once {@code condition} holds. Called when the
         * service is ready: a rehearsal started early then {@linkplain #settle settles} once more.
         */
        Rehearser giveWayWhen(BooleanSupplier condition) {
            this.giveWay = condition;
            ready.countDown();
            return this;
        }

        /**
         * The data path rehearsed once the service is ready reads and checks each body as the
         * service does ({@code path}): C2 compiles the parsing for the mapper and the checks it has
         * seen, and the request's conversion to arrays (the targets, the test rows) was compiled in the
         * first jobs when only the training targets were rehearsed. Call before {@link #giveWayWhen}.
         */
        Rehearser readingAs(DataPathRehearsal.SubmitPath path) {
            this.submitPath = path;
            return this;
        }

        /** Tells {@code observer} each problem as its run starts (the tests see the order of the runs). */
        Rehearser onEachRun(Consumer<Warmup.Problem> observer) {
            this.eachRun = observer;
            return this;
        }

        /** Completes when {@link #startInBackground}'s first phase is done. */
        CompletableFuture<Rehearsal> rehearsed() {
            return rehearsed;
        }

        /** Completes when {@link #startInBackground} is done: with its settling, or null when it did not settle. */
        CompletableFuture<Rehearsal> finished() {
            return finished;
        }

        /**
         * Rehearses on a daemon thread of its own, the engine and then a submit's data path
         * ({@link DataPathRehearsal}); {@code early}: started before the context, so it then waits for
         * the service to be ready and {@linkplain #settle settles}.
         */
        void startInBackground(boolean early) {
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
                                    describe(done.ending()));
                            if (done.ending() != Ending.GAVE_WAY) {
                                rehearseDataPath();
                            }
                            rehearsed.complete(done);
                            Rehearsal settled = null;
                            if (early
                                    && done.ending() != Ending.GAVE_WAY
                                    && ready.await(READY_WAIT, TimeUnit.SECONDS)
                                    && idleFor(SETTLE_DELAY_MILLIS)) {
                                long settling = System.nanoTime();
                                settled = settle();
                                log.info(
                                        "Engine settled after start-up: {} more job-sized runs in {} ms; {}",
                                        settled.runs(),
                                        (System.nanoTime() - settling) / 1_000_000,
                                        describe(settled.ending()));
                                if (settled.ending() != Ending.GAVE_WAY) {
                                    // Again with the context built: C2's queue is short now, so the
                                    // per-value methods get their full compilations, not only their
                                    // loops' (during the build, C2's thresholds are scaled up by its queue).
                                    rehearseDataPathOnceReady();
                                }
                            }
                            finished.complete(settled);
                        } catch (RuntimeException | LinkageError | ExecutionException e) {
                            // Only speed is at stake: jobs run the same code, compiled or not.
                            log.warn("Engine warm-up failed: {}", e.toString());
                            rehearsed.completeExceptionally(e);
                            finished.completeExceptionally(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            rehearsed.completeExceptionally(e);
                            finished.completeExceptionally(e);
                        }
                    },
                    "trainyard-engine-warmup");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            thread.start();
        }

        /**
         * A submit's per-value code ({@link DataPathRehearsal}), giving way like the engine's runs; both
         * phases use the same bodies and mapper (made on first use, on the rehearsal's own thread).
         */
        private void rehearseDataPath() {
            long start = System.nanoTime();
            if (dataPath == null) {
                dataPath = new DataPathRehearsal();
            }
            int bodies = dataPath.rehearse(DataPathRehearsal.BODIES, this::givingWay);
            log.info(
                    "Submit's data path warmed up: {} homework-sized bodies parsed and digested in {} ms",
                    bodies,
                    (System.nanoTime() - start) / 1_000_000);
        }

        /**
         * The data path again, once the service is ready and idle, as the service reads a submit:
         * {@value DataPathRehearsal#READY_BODIES} bodies, then on in rounds of {@value
         * DataPathRehearsal#ROUND} until the JIT compiled for at most {@value #QUIET_MILLIS} ms in
         * {@value #QUIET_RUNS} rounds in a row (at most {@value DataPathRehearsal#READY_MAX} bodies).
         */
        private void rehearseDataPathOnceReady() {
            long start = System.nanoTime();
            DataPathRehearsal.SubmitPath path = submitPath;
            if (path != null) {
                dataPath = new DataPathRehearsal(path);
            } else if (dataPath == null) {
                dataPath = new DataPathRehearsal();
            }
            JitWatch jit = new JitWatch();
            int bodies = 0;
            while (bodies < DataPathRehearsal.READY_MAX && (bodies < DataPathRehearsal.READY_BODIES || jit.busy())) {
                int done = dataPath.rehearse(DataPathRehearsal.ROUND, this::givingWay);
                bodies += done;
                if (done < DataPathRehearsal.ROUND) {
                    break;
                }
                jit.stepDone();
            }
            log.info(
                    "Submit's data path settled: {} more bodies parsed and digested in {} ms",
                    bodies,
                    (System.nanoTime() - start) / 1_000_000);
        }

        /**
         * Waits this long for the service to stay idle: a job submitted the moment the service
         * answers (the README's quickstart) starts on a quiet machine instead of beside a rehearsal.
         *
         * @return false when a job or the shutdown came first
         */
        private boolean idleFor(long millis) throws InterruptedException {
            long until = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < until) {
                if (givingWay()) {
                    return false;
                }
                Thread.sleep(50);
            }
            return !givingWay();
        }

        private static String describe(Ending ending) {
            return switch (ending) {
                case SETTLED -> "the JIT compiler has settled";
                case CAPPED -> "the JIT compiler was still busy";
                case GAVE_WAY -> "stopped early for a job or shutdown";
            };
        }

        /**
         * Job-sized runs once the service is ready (and has stayed idle for two seconds), until the
         * whole rehearsal has run {@link #c2Calls} iterations (this phase at least a quarter of them,
         * both within four times the configured minimum) and the JIT has been quiet for {@value
         * #QUIET_RUNS} runs, giving way to the first job. The
         * early rehearsal ends while the context is still being built, and what the build loads and
         * compiles afterwards can send the training loop back to C1's code (seen here: {@code
         * Trainer.Run.iterate} deoptimised at 9 s of a 12 s start and not compiled again until the
         * first jobs ran it). With the context built, C2 has little else to do and compiles it at once.
         */
        Rehearsal settle() throws ExecutionException, InterruptedException {
            return rehearseUntilQuiet(settleMinimum(c2Calls(), iterationsSoFar, iterations), false);
        }

        /**
         * Iterations {@link #settle} runs at least: what the whole warm-up lacks of {@code c2Calls}, at
         * least a quarter of it and the quiet runs, at most four times the {@code configured} minimum.
         */
        static int settleMinimum(int c2Calls, int soFar, int configured) {
            int minimum = Math.min(MAX_FACTOR * configured, Math.max(c2Calls / 4, c2Calls - soFar));
            return Math.max(QUIET_RUNS * RUN, minimum);
        }

        /**
         * Calls after which C2 compiles a method that has no loop of its own, such as the loop's
         * once-per-iteration {@code Trainer.Run.iterate}: this JVM's {@code Tier4InvocationThreshold}
         * (50,000 in the service's JVM, {@code io.trainyard.JvmRelaunch#JIT_FLAGS}) with a quarter more.
         * A rehearsal that ended short of it (48,000 iterations were seen) left that compilation, 35 ms
         * of C2, to the first jobs. {@link #settle} runs at least a quarter of it even when the first
         * phase ran more: C2 raises its thresholds while its queue is long, as it is while the context
         * is built, and after 62,850 iterations then and 4,000 once ready the first job still compiled
         * the loop's methods (56 ms of C2; JFR, docs/benchmarks.md, session 25).
         */
        static int c2Calls() {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long threshold = 5_000;
            try {
                threshold = hotspot == null
                        ? threshold
                        : Long.parseLong(
                                hotspot.getVMOption("Tier4InvocationThreshold").getValue());
            } catch (IllegalArgumentException e) {
                // Not HotSpot, or a HotSpot without the option: its default.
            }
            return (int) Math.min(Integer.MAX_VALUE / 2, threshold + threshold / 4);
        }

        /** Trains until warm, on the calling thread. */
        Rehearsal rehearse() throws ExecutionException, InterruptedException {
            return rehearseUntilQuiet(iterations, true);
        }

        /**
         * Job-sized runs: at least {@code minimum} iterations, then on while the JIT is busy (up to four
         * times the configured minimum); {@code withSidePaths}: the {@linkplain #sidePaths side paths}
         * once, early.
         */
        private Rehearsal rehearseUntilQuiet(int minimum, boolean withSidePaths)
                throws ExecutionException, InterruptedException {
            JitWatch jit = new JitWatch();
            Warmup.Problem homework = Warmup.homework();
            TrainingPlan homeworkRun = TrainingPlan.fullBatch(ALPHA, RUN);
            JobMetrics uncounted = new JobMetrics(new SimpleMeterRegistry());
            int ran = 0;
            int runs = 0;
            boolean sidePathsDue = withSidePaths;
            while (ran < minimum || (jit.busy() && ran < MAX_FACTOR * iterations)) {
                if (givingWay()) {
                    return new Rehearsal(ran, runs, Ending.GAVE_WAY);
                }
                if (sidePathsDue && runs == SIDE_PATHS_AFTER) {
                    sidePathsDue = false;
                    int side = rehearseSidePaths(uncounted);
                    if (side < 0) {
                        return new Rehearsal(ran, runs, Ending.GAVE_WAY);
                    }
                    ran += side;
                    continue;
                }
                TrainingResult run = rehearseJob(homework, homeworkRun, uncounted);
                runs++;
                ran += run.updates();
                iterationsSoFar += run.updates();
                if (run.outcome() != TrainingResult.Outcome.COMPLETED) {
                    return new Rehearsal(ran, runs, Ending.GAVE_WAY);
                }
                jit.stepDone();
            }
            if (sidePathsDue) {
                // Too short a rehearsal to reach the profiling window (a small configured minimum).
                int side = rehearseSidePaths(uncounted);
                if (side < 0) {
                    return new Rehearsal(ran, runs, Ending.GAVE_WAY);
                }
                ran += side;
            }
            return new Rehearsal(ran, runs, jit.settled() ? Ending.SETTLED : Ending.CAPPED);
        }

        /**
         * Whether the JIT is still compiling, step by step (a job-sized run, a round of bodies): it is
         * quiet after {@value #QUIET_RUNS} steps in a row in which it compiled for at most {@value
         * #QUIET_MILLIS} ms. A JVM that cannot tell its compile time is never busy and never settled.
         */
        private static final class JitWatch {
            private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            private final boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
            private long compiled = timed ? jit.getTotalCompilationTime() : 0;
            private int quiet;

            void stepDone() {
                if (timed) {
                    long now = jit.getTotalCompilationTime();
                    quiet = now - compiled <= QUIET_MILLIS ? quiet + 1 : 0;
                    compiled = now;
                }
            }

            boolean busy() {
                return timed && quiet < QUIET_RUNS;
            }

            boolean settled() {
                return timed && quiet >= QUIET_RUNS;
            }
        }

        /** A side path: a problem and how it trains. */
        record SidePath(Warmup.Problem problem, TrainingPlan plan) {}

        /**
         * What a homework job does not run, each once: the wide (BLAS) path for a tenth of the minimum
         * (its time goes to BLAS, which needs no warming); relu and tanh (their own vector code; the
         * kernel's call sites of the activation then know three classes, so a job with another one no
         * longer deoptimises the compiled loop); two hidden layers (the passes between hidden layers);
         * mini-batches with Adam (batches of 64 over 400 rows: full batches and a short last one),
         * and momentum (the batch loop and the other update rules). Without
         * them a service that had trained only sigmoid jobs took 260–500 ms for its first relu or tanh
         * job where the next took 50–110, and 20–60 ms more for the first of the others
         * (docs/benchmarks.md, session 24, {@code bench/first-kinds}).
         */
        List<SidePath> sidePaths() {
            return List.of(
                    new SidePath(Warmup.wide(), TrainingPlan.fullBatch(ALPHA, Math.max(1, iterations / 10))),
                    new SidePath(Warmup.homework(Activation.RELU), TrainingPlan.fullBatch(ALPHA, SIDE_RUN)),
                    new SidePath(Warmup.homework(Activation.TANH), TrainingPlan.fullBatch(ALPHA, SIDE_RUN)),
                    new SidePath(Warmup.deeper(), TrainingPlan.fullBatch(ALPHA, SIDE_RUN)),
                    new SidePath(
                            Warmup.homework(),
                            TrainingPlan.fullBatch(ALPHA, SIDE_RUN / 2)
                                    .withOptimizer(Optimizer.adam())
                                    .withBatches(64, 1L)),
                    new SidePath(
                            Warmup.homework(),
                            TrainingPlan.fullBatch(ALPHA, SIDE_RUN).withOptimizer(Optimizer.momentum())));
        }

        /** Trains each side path once; returns the iterations run, or -1 when it gave way. */
        private int rehearseSidePaths(JobMetrics uncounted) throws ExecutionException, InterruptedException {
            int ran = 0;
            for (SidePath side : sidePaths()) {
                if (givingWay()) {
                    return -1;
                }
                TrainingResult run = rehearseJob(side.problem(), side.plan(), uncounted);
                ran += run.updates();
                iterationsSoFar += run.updates();
                if (run.outcome() != TrainingResult.Outcome.COMPLETED) {
                    return -1;
                }
            }
            return ran;
        }

        private boolean givingWay() {
            // The JVM's shutdown too: a rehearsal started before the context exists has no stop
            // signal of the workers' yet, and on two cores it slows the very start-up a stop ends.
            return stopping.getAsBoolean() || giveWay.getAsBoolean() || ShutdownDeadline.stopBegun();
        }

        /** One job-sized run of {@code problem}, as {@link JobRunner} trains a job, with every write going nowhere. */
        private TrainingResult rehearseJob(Warmup.Problem problem, TrainingPlan plan, JobMetrics uncounted)
                throws ExecutionException, InterruptedException {
            eachRun.accept(problem);
            RunningJob live = RunningJobs.unlisted("engine-warmup", plan.iterations());
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
            TrainingResult result = new Trainer(plan)
                    .train(problem.start(), problem.data(), recorder, JobRunner.stopWhen(live, stopping, lease));
            recorder.finishKeepingTail();
            return result;
        }
    }
}
