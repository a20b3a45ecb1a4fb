package io.trainyard.training;

import java.util.function.BooleanSupplier;

/**
 * How idle training workers learn that there may be work: one look at the queue per job announced,
 * not one per idle worker. Each look is a query, and on a small machine the looks that find nothing
 * take CPU from the moments that matter: a submit's answer while its job is being claimed, a job's
 * final status while its worker moves on (session 39 in docs/benchmarks.md: three looks at every job's
 * end where one was needed).
 *
 * <p>An announcement leaves a <em>ticket</em> per job (at most one per worker) and wakes as many
 * waiting workers; a worker that waits takes a ticket and looks. A ticket nobody was waiting for is
 * kept, so a job queued while every worker was busy is never missed. A worker starting a look
 * {@linkplain #looking() takes all tickets back}: its query sees every job committed before it. When
 * it claims one of several, it announces the others itself ({@link TrainingWorkers#claimNext}).
 */
final class WorkSignal {

    private final int workers;
    /** Looks owed: jobs announced that no look has started after yet, at most one per worker. */
    private int tickets;
    /** Workers waiting now. */
    private int waiting;

    WorkSignal(int workers) {
        this.workers = Math.max(1, workers);
    }

    /** {@code jobs} may be waiting: that many waiting workers (at most all) look, or the next that waits. */
    synchronized void announce(int jobs) {
        int added = Math.min(workers - tickets, Math.max(0, jobs));
        tickets += added;
        for (int i = 0; i < added; i++) {
            notify();
        }
    }

    /** Every worker looks (memory freed for a job left waiting, recovered jobs, a stop). */
    synchronized void announceAll() {
        tickets = workers;
        notifyAll();
    }

    /** A worker starts a look: it covers every job announced so far. */
    synchronized void looking() {
        tickets = 0;
    }

    /**
     * Waits for a ticket, at most {@code timeoutMillis} (the poll for other instances' jobs), or until
     * {@code stop} holds when woken.
     */
    synchronized void await(long timeoutMillis, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        waiting++;
        try {
            while (tickets == 0 && !stop.getAsBoolean()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
            if (tickets > 0) {
                tickets--;
            }
        } finally {
            waiting--;
        }
    }

    /** Workers waiting now (for tests). */
    synchronized int waiting() {
        return waiting;
    }

    /** Looks owed now (for tests). */
    synchronized int tickets() {
        return tickets;
    }
}
