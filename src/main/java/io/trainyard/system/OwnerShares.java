package io.trainyard.system;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each owner's share of a capacity that request bodies hold while they are read (the large-body
 * permits, or the KiB of the body byte budget): at most half of it (at least one unit), waited for
 * as the capacity itself is, so that one key cannot hold all of it while others wait.
 *
 * <p><b>Why.</b> A body only has to average {@code min-request-rate} (64 KB/s) to stay alive, so a 64
 * MiB or chunked upload can hold its permit for about 17 minutes. One user key dribbling five uploads
 * at ≈ 330 KB/s in all held all five permits of a 6 GB instance; every other owner's body over 4 MB,
 * an admin's too, waited 30 s and was answered 503, for as long as that key went on. Bodies under
 * 4 MB hold the byte budget the same way: 32 dribbled 3.9 MB bodies of one key (its
 * {@code max-concurrent-requests}) are 125 MB, the whole budget of a 2 GB heap.
 *
 * <p>An owner that holds nothing may always take, however much it asks: a body larger than the share
 * is read alone, as a body larger than the whole budget waits for all of it.
 */
final class OwnerShares {

    private final long share;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** Units taken per owner: by its requests that hold the capacity or wait for it. */
    private final Map<String, Long> taken = new HashMap<>();

    OwnerShares(long capacity) {
        this.share = share(capacity);
    }

    /** At most half of the capacity, at least one unit: with a single unit there is nothing to share. */
    static long share(long capacity) {
        return Math.max(1, capacity / 2);
    }

    long share() {
        return share;
    }

    /**
     * Takes {@code units} of {@code owner}'s share, waiting until {@code deadline} ({@link
     * System#nanoTime()}) for its own requests to give enough back.
     *
     * @return false when not enough came back in time
     */
    boolean take(String owner, long units, long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long held = taken.getOrDefault(owner, 0L);
                if (held == 0 || held + units <= share) {
                    taken.put(owner, held + units);
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                released.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    void giveBack(String owner, long units) {
        lock.lock();
        try {
            taken.computeIfPresent(owner, (name, held) -> held <= units ? null : held - units);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Units {@code owner} has taken now (tests wait on it). */
    long taken(String owner) {
        lock.lock();
        try {
            return taken.getOrDefault(owner, 0L);
        } finally {
            lock.unlock();
        }
    }
}
