package io.trainyard.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A few helper threads that take shards of a training pass off the thread that trains, so that one
 * homework-size job uses both cores of a laptop.
 *
 * <p><b>Why not an executor.</b> A homework iteration is about 20 µs of work. Waking a parked
 * thread costs tens of µs, so a pool that parks between tasks would make the pass slower. Helpers
 * here spin for a while ({@link #SPIN_NANOS}) after their last shard, long enough to bridge the
 * gap between two iterations, and only then park; posting a task and taking a shard allocate
 * nothing.
 *
 * <p><b>Only where a core is free.</b> Helpers take shards only while fewer training runs are in
 * progress in the process ({@link #enlist}) than there are threads in the crew (helpers and one
 * caller, one per core): beyond that the runs themselves keep the cores busy, and a helper would
 * only take time from them. On two cores that is one run. An idle helper yields its core to any
 * thread that wants it while it spins, and parks soon after.
 *
 * <p><b>Two kinds of work.</b> The fused kernel's passes ({@link SmallNetworkKernel}) and the blocks
 * of large BLAS products ({@link Gemm}) both run here: a helper still spinning from one product
 * takes the next one's blocks at once, where a pool that parks its threads between products made
 * every product wait tens of µs for a thread to wake.
 *
 * <p><b>Never a deadlock, never a wrong bit.</b> The caller takes shards of its own task too, so a
 * task finishes even when every helper is busy with other jobs (it only runs slower); it waits only
 * for shards a helper has already started. Which thread runs a shard changes nothing in the result:
 * a shard's arithmetic depends only on the shard, and callers combine shards in shard order.
 *
 * <p><b>Never held up by a helper that lost its core.</b> A helper the operating system takes off its
 * core in the middle of a shard (for the JIT compiler, another process, another job) would keep the
 * caller waiting for milliseconds, a hundred times the shard's own time. A task built with
 * {@linkplain Task#Task(int, Body, boolean) backups} lets the caller run such a shard again itself
 * once it has waited a few times longer than a shard takes (a backup task, as MapReduce runs for
 * stragglers): whichever run finishes first counts, the other's result is never read. For that every
 * run writes into buffers of its own runner ({@link Body}), and a late run's writes land where
 * nobody reads them.
 */
final class Crew implements AutoCloseable {

    /** Helpers at most: a task has at most {@link SmallNetworkKernel#MAX_SHARDS} shards. */
    static final int MAX_HELPERS = 3;

    /** How long an idle helper spins before it parks: well above the gap between two iterations. */
    static final long SPIN_NANOS = 200_000;

    /** Posted rounds over which a task judges whether helpers get a core. */
    static final int WINDOW = 256;

    /** Rounds a task then runs alone before it asks again (about 20 ms of homework training). */
    static final int ALONE_ROUNDS = 1024;

    /**
     * A caller whose helpers have not finished waits at least this long before it runs one of their
     * shards again itself: well above a homework shard's few µs, far below a time slice the
     * operating system gives another thread (milliseconds).
     */
    static final long MIN_PATIENCE_NANOS = 20_000;

    /** The runner number of a task's caller; helper i (from 1) is runner i. */
    static final int CALLER = 0;

    /** Tasks that can be posted at once; a caller that finds no free slot runs its shards alone. */
    private static final int SLOTS = 16;

    /**
     * The process's crew: one helper per further core, up to {@link #MAX_HELPERS}. System property
     * {@code trainyard.fused.helpers} overrides the count (0 trains on the job's thread alone).
     */
    static final Crew SHARED = new Crew(Integer.getInteger(
            "trainyard.fused.helpers",
            Math.max(0, Math.min(MAX_HELPERS, Runtime.getRuntime().availableProcessors() - 1))));

    /** A helper spinning for work yields its core once it has found none for this long. */
    private static final long YIELD_AFTER_NANOS = 20_000;

    /** No helpers: every task runs on its caller. */
    static final Crew NONE = new Crew(0);

    private final AtomicReferenceArray<Task> slots = new AtomicReferenceArray<>(SLOTS);
    private final Helper[] helpers;
    /** Set by {@link #close}: helpers finish. */
    private volatile boolean closed;
    /** Training runs in progress ({@link #enlist}). */
    private final AtomicInteger runs = new AtomicInteger();

    /** How long a caller waits for its helpers before it runs one of their shards again (at least). */
    private final long minPatienceNanos;
    /** Shards callers ran again because a helper took too long, since the crew began. */
    private final LongAdder backupRuns = new LongAdder();

    /** A crew of {@code count} daemon helper threads (none when 0). */
    Crew(int count) {
        this(count, MIN_PATIENCE_NANOS);
    }

    /**
     * A crew whose callers wait {@code minPatienceNanos} at least before they run a late helper's
     * shard again; 0 (for tests) runs it again as soon as the caller has nothing else to do.
     */
    Crew(int count, long minPatienceNanos) {
        this.minPatienceNanos = minPatienceNanos;
        if (count < 0 || count > MAX_HELPERS) {
            throw new IllegalArgumentException("a crew has 0 to " + MAX_HELPERS + " helpers, not " + count);
        }
        helpers = new Helper[count];
        for (int i = 0; i < count; i++) {
            helpers[i] = new Helper("trainyard-kernel-" + (i + 1), i + 1);
            helpers[i].thread.start();
        }
    }

    int helpers() {
        return helpers.length;
    }

    /** Shards callers ran a second time because the helper running them was late (see the class comment). */
    long backupRuns() {
        return backupRuns.sum();
    }

    /**
     * Lets the helpers end (tests make crews of their own; the process's crew lives as long as the
     * process). Tasks run after this run on the caller alone.
     */
    @Override
    public void close() {
        closed = true;
        for (Helper helper : helpers) {
            LockSupport.unpark(helper.thread);
        }
    }

    /** A training run starts; {@link #dismiss} when it ends, however it ends. */
    void enlist() {
        runs.incrementAndGet();
    }

    void dismiss() {
        runs.decrementAndGet();
    }

    /**
     * Runs every shard of {@code task} once, on this thread and any idle helper, and returns when all
     * are done. A shard's exception is rethrown here (the first one seen).
     */
    void run(Task task) {
        if (task.count == 1 || helpers.length == 0 || closed || runs.get() > helpers.length || task.goingAlone()) {
            task.runAlone();
            return;
        }
        task.startRound();
        int slot = post(task);
        if (slot >= 0) {
            wakeSleepers();
        }
        task.help(CALLER);
        if (slot >= 0) {
            slots.compareAndSet(slot, task, null);
        }
        int backups = task.awaitShards(minPatienceNanos);
        if (backups > 0) {
            backupRuns.add(backups);
        }
        task.endRound();
    }

    private int post(Task task) {
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, task)) {
                return i;
            }
        }
        return -1;
    }

    private void wakeSleepers() {
        for (Helper helper : helpers) {
            if (helper.sleeping) {
                LockSupport.unpark(helper.thread);
            }
        }
    }

    private boolean anyPosted() {
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a task does to one shard: {@code runner} is {@link #CALLER} or a helper's number, at most
     * {@link #MAX_HELPERS}. In a task with backups, two runners may run the same shard of a round at
     * once, so a run writes only into buffers of its own (shard, runner); the caller then reads the
     * buffers of the run that counted ({@link Task#winner}).
     */
    @FunctionalInterface
    interface Body {
        void run(int shard, int runner);
    }

    /**
     * A reusable unit of sharded work: {@code body} is called with each shard number in
     * {@code 0..count-1} once per {@link Crew#run} (and, with backups, perhaps a second time by the
     * caller, see {@link Crew}). One caller at a time.
     */
    static final class Task {
        private final Body body;
        private final int count;
        private final boolean backups;
        /**
         * Round number in the high 32 bits, then the unclaimed shards {@code front..back-1} in two
         * 16-bit fields: one CAS claims a shard. The caller claims from the front, helpers from the
         * back, so each thread keeps running the same shards round after round and finds their
         * buffers still in its own cache (a shard moving between cores costs about what it saves).
         */
        private final AtomicLong state = new AtomicLong();
        /**
         * Per shard, the last round in which it finished (bits 2 to 33, a 32-bit counter that wraps
         * like the state's) and the runner whose run counted (low 2 bits): one CAS decides which of
         * two runs of a shard counts.
         */
        private final AtomicLongArray finished;

        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger helped = new AtomicInteger();
        private volatile Throwable failure;
        /** Rounds in the current window (caller's thread only). */
        private int rounds;
        /** Shards helpers ran in the current window of posted rounds. */
        private int helpedInWindow;
        /** Rounds still to run alone before helpers are asked again. */
        private int alone;
        /** The caller's recent time for one shard, for its patience with helpers (caller's thread only). */
        private long shardNanos = MIN_PATIENCE_NANOS / 4;

        /** A task without backups: every shard runs exactly once a round, {@code body} gets its number. */
        Task(int count, IntConsumer body) {
            this(count, (shard, runner) -> body.accept(shard), false);
        }

        /**
         * A task; with {@code backups}, the caller may run a helper's shard again (see {@link Crew}),
         * so {@code body} must write only into buffers of its (shard, runner).
         */
        Task(int count, Body body, boolean backups) {
            if (count < 1 || count > 0xFFFF) {
                throw new IllegalArgumentException("a task has 1 to 65535 shards, not " + count);
            }
            this.count = count;
            this.body = body;
            this.backups = backups;
            this.finished = new AtomicLongArray(count); // round 0, by the caller
            state.set(((long) count << 16) | count); // round 0 has nothing left to claim
        }

        /**
         * The runner whose run of {@code shard} counted in the last round: {@link #CALLER} when the
         * round ran alone. Read by the caller after {@link Crew#run} returns.
         */
        int winner(int shard) {
            return (int) (finished.get(shard) & 3);
        }

        /**
         * True while this task runs its shards alone: when helpers ran too few of them over the last
         * {@link #WINDOW} posted rounds, no core was free for them (other processes, other work), and
         * a helper spinning for work only took time from the caller; so for {@link #ALONE_ROUNDS}
         * rounds it does not ask, then tries again. Which thread runs a shard never changes a bit.
         */
        private boolean goingAlone() {
            if (alone > 0) {
                alone--;
                return true;
            }
            return false;
        }

        boolean goingAloneForTests() {
            return alone > 0;
        }

        /**
         * A round on the caller alone; no helper can claim any of it. (A helper still finishing a
         * shard of an earlier round that a backup already finished writes only its own buffers, and
         * its round is over.)
         */
        private void runAlone() {
            long round = (state.get() >>> 32) + 1;
            state.set((round << 32) | ((long) count << 16) | count); // nothing to claim
            for (int shard = 0; shard < count; shard++) {
                body.run(shard, CALLER);
                finished.set(shard, (round & 0xFFFF_FFFFL) << 2 | CALLER);
            }
        }

        private void endRound() {
            helpedInWindow += helped.get();
            if (++rounds == WINDOW) {
                // A free core takes about half the shards; one that is busy elsewhere few or none.
                if (helpedInWindow * 8L < (long) WINDOW * count) {
                    alone = ALONE_ROUNDS;
                }
                rounds = 0;
                helpedInWindow = 0;
            }
        }

        private void startRound() {
            helped.set(0);
            done.set(0);
            failure = null;
            // Published last: a helper that sees the new round sees the reset counters too.
            state.set((((state.get() >>> 32) + 1) << 32) | count);
        }

        /**
         * Claims and runs shards of the current round until none is left; true when it ran any. A
         * helper holding a task of an earlier round can only claim in a round that has started.
         */
        private boolean help(int runner) {
            boolean ran = false;
            while (true) {
                long s = state.get();
                int front = (int) (s >>> 16) & 0xFFFF;
                int back = (int) s & 0xFFFF;
                if (front >= back) {
                    return ran;
                }
                boolean helper = runner != CALLER;
                int next = helper ? back - 1 : front;
                if (!state.compareAndSet(s, helper ? s - 1 : s + (1L << 16))) {
                    continue;
                }
                ran = true;
                if (helper) {
                    runShard(next, runner, s >>> 32);
                } else {
                    long start = System.nanoTime();
                    runShard(next, runner, s >>> 32);
                    // A running average over the last few shards: the patience follows the shape.
                    shardNanos += (System.nanoTime() - start - shardNanos) / 4;
                }
            }
        }

        /**
         * Runs one shard of {@code round} as {@code runner} and, when no other run of it has finished
         * in that round, makes this run the one that counts. A run that comes second, or late (its
         * round is over), leaves no trace: not in the count, not as a failure.
         */
        private void runShard(int shard, int runner, long round) {
            Throwable thrown = null;
            try {
                body.run(shard, runner);
            } catch (Throwable t) {
                thrown = t;
            }
            long v = finished.get(shard);
            // Rounds compared as 32-bit counters that wrap: this round is later than the shard's last.
            while ((int) round - (int) (v >>> 2) > 0) {
                if (finished.compareAndSet(shard, v, (round & 0xFFFF_FFFFL) << 2 | runner)) {
                    if (thrown != null) {
                        failure = thrown;
                    }
                    if (runner != CALLER) {
                        helped.incrementAndGet();
                    }
                    done.incrementAndGet();
                    return;
                }
                v = finished.get(shard);
            }
        }

        /**
         * Waits until every shard of the round has finished, running late ones again once it has
         * waited a few of its own shards' time (at least {@code minPatienceNanos}); returns how many.
         */
        private int awaitShards(long minPatienceNanos) {
            long round = state.get() >>> 32;
            long patience = minPatienceNanos == 0 ? 0 : Math.max(minPatienceNanos, 4 * shardNanos);
            long waitingSince = System.nanoTime();
            int spins = 0;
            int backupRuns = 0;
            while (done.get() < count) {
                if (backups && System.nanoTime() - waitingSince >= patience) {
                    int late = unfinished(round);
                    if (late >= 0) {
                        // The helper running it has most likely lost its core: run it here too.
                        backupRuns++;
                        runShard(late, CALLER, round);
                        waitingSince = System.nanoTime();
                        continue;
                    }
                }
                if (++spins < 2_000) {
                    Thread.onSpinWait();
                } else {
                    // The helper running the last shard lost its core: let it have ours.
                    Thread.yield();
                }
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            return backupRuns;
        }

        /** A shard of {@code round} that no run has finished yet, or -1. */
        private int unfinished(long round) {
            for (int shard = 0; shard < count; shard++) {
                if ((int) (finished.get(shard) >>> 2) != (int) round) {
                    return shard;
                }
            }
            return -1;
        }
    }

    private final class Helper implements Runnable {
        final Thread thread;
        /** This helper's runner number for {@link Body}: 1 to {@link #MAX_HELPERS}. */
        final int runner;

        volatile boolean sleeping;

        Helper(String name, int runner) {
            this.thread = new Thread(this, name);
            this.runner = runner;
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                boolean worked = false;
                for (int i = 0; i < SLOTS; i++) {
                    Task task = slots.get(i);
                    if (task != null && task.help(runner)) {
                        worked = true;
                    }
                }
                if (worked) {
                    idleSince = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - idleSince;
                if (idle < YIELD_AFTER_NANOS) {
                    Thread.onSpinWait();
                } else if (idle < SPIN_NANOS) {
                    // Between two jobs or two phases of one: any other thread that wants this core gets it.
                    Thread.yield();
                } else {
                    // Flag first, then look once more: a caller posts first, then looks at the flag,
                    // so one of the two sees the other and no wake-up is lost.
                    sleeping = true;
                    if (!anyPosted() && !closed) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    Thread.interrupted(); // park returns on interrupt; helpers are never stopped
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
