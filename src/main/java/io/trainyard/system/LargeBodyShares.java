package io.trainyard.system;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each owner's share of the large-body permits: at most half of them (at least one), waited for as
 * the permits themselves are, so that one key cannot hold every permit while others wait.
 *
 * <p><b>Why.</b> A body only has to average {@code min-request-rate} (64 KB/s) to stay alive, so a 64
 * MiB or chunked upload can hold its permit for about 17 minutes. One user key dribbling five uploads
 * at ≈ 330 KB/s in all held all five permits of a 6 GB instance; every other owner's body over 4 MB,
 * an admin's too, waited 30 s and was answered 503, for as long as that key went on.
 */
final class LargeBodyShares {

    private final int share;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** Slots taken per owner: its requests that hold a permit or wait for one. */
    private final Map<String, Integer> taken = new HashMap<>();

    LargeBodyShares(int permits) {
        this.share = share(permits);
    }

    /** At most half of the permits, at least one: with a single permit there is nothing to share. */
    static int share(int permits) {
        return Math.max(1, permits / 2);
    }

    int share() {
        return share;
    }

    /**
     * Takes one of {@code owner}'s slots, waiting until {@code deadline} ({@link System#nanoTime()})
     * for one of its own requests to give one back.
     *
     * @return false when none came back in time
     */
    boolean take(String owner, long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (taken.getOrDefault(owner, 0) >= share) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                released.awaitNanos(left);
            }
            taken.merge(owner, 1, Integer::sum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    void giveBack(String owner) {
        lock.lock();
        try {
            taken.computeIfPresent(owner, (name, count) -> count <= 1 ? null : count - 1);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Slots {@code owner} has taken now (tests wait on it). */
    int taken(String owner) {
        lock.lock();
        try {
            return taken.getOrDefault(owner, 0);
        } finally {
            lock.unlock();
        }
    }
}
