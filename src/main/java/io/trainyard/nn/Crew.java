package io.trainyard.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * <p><b>Only where a core is free.</b> Helpers take shards only while at most one training run is
 * in progress in the process ({@link #enlist}): with several, the runs themselves keep the cores
 * busy, and a helper would only take time from them. An idle helper yields its core to any thread
 * that wants it while it spins, and parks soon after.
 *
 * <p><b>Never a deadlock, never a wrong bit.</b> The caller takes shards of its own task too, so a
 * task finishes even when every helper is busy with other jobs (it only runs slower); it waits only
 * for shards a helper has already started. Which thread runs a shard changes nothing in the result:
 * a shard's arithmetic depends only on the shard, and callers combine shards in shard order.
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

    /** A crew of {@code count} daemon helper threads (none when 0). */
    Crew(int count) {
        if (count < 0 || count > MAX_HELPERS) {
            throw new IllegalArgumentException("a crew has 0 to " + MAX_HELPERS + " helpers, not " + count);
        }
        helpers = new Helper[count];
        for (int i = 0; i < count; i++) {
            helpers[i] = new Helper("trainyard-kernel-" + (i + 1));
            helpers[i].thread.start();
        }
    }

    int helpers() {
        return helpers.length;
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
        if (task.count == 1 || helpers.length == 0 || closed || runs.get() > 1 || task.goingAlone()) {
            for (int shard = 0; shard < task.count; shard++) {
                task.body.accept(shard);
            }
            return;
        }
        task.startRound();
        int slot = post(task);
        if (slot >= 0) {
            wakeSleepers();
        }
        task.help(false);
        if (slot >= 0) {
            slots.compareAndSet(slot, task, null);
        }
        task.awaitShards();
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
     * A reusable unit of sharded work: {@code body} is called with each shard number in
     * {@code 0..count-1} once per {@link Crew#run}. One caller at a time.
     */
    static final class Task {
        private final IntConsumer body;
        private final int count;
        /**
         * Round number in the high 32 bits, then the unclaimed shards {@code front..back-1} in two
         * 16-bit fields: one CAS claims a shard. The caller claims from the front, helpers from the
         * back, so each thread keeps running the same shards round after round and finds their
         * buffers still in its own cache (a shard moving between cores costs about what it saves).
         */
        private final AtomicLong state = new AtomicLong();

        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger helped = new AtomicInteger();
        private volatile Throwable failure;
        /** Rounds in the current window (caller's thread only). */
        private int rounds;
        /** Shards helpers ran in the current window of posted rounds. */
        private int helpedInWindow;
        /** Rounds still to run alone before helpers are asked again. */
        private int alone;

        Task(int count, IntConsumer body) {
            if (count < 1 || count > 0xFFFF) {
                throw new IllegalArgumentException("a task has 1 to 65535 shards, not " + count);
            }
            this.count = count;
            this.body = body;
            state.set(((long) count << 16) | count); // round 0 has nothing left to claim
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
        private boolean help(boolean helper) {
            boolean ran = false;
            while (true) {
                long s = state.get();
                int front = (int) (s >>> 16) & 0xFFFF;
                int back = (int) s & 0xFFFF;
                if (front >= back) {
                    return ran;
                }
                int next = helper ? back - 1 : front;
                if (!state.compareAndSet(s, helper ? s - 1 : s + (1L << 16))) {
                    continue;
                }
                ran = true;
                if (helper) {
                    helped.incrementAndGet();
                }
                try {
                    body.accept(next);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        private void awaitShards() {
            int spins = 0;
            while (done.get() < count) {
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
        }
    }

    private final class Helper implements Runnable {
        final Thread thread;
        volatile boolean sleeping;

        Helper(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                boolean worked = false;
                for (int i = 0; i < SLOTS; i++) {
                    Task task = slots.get(i);
                    if (task != null && task.help(true)) {
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
