package io.trainyard.security;

import java.util.ArrayDeque;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The storing requests each owner has in progress on this instance, and the bytes they may still add:
 * the storage quota's reservations. The quota is checked as a request arrives, before its body is
 * read, against what the owner has stored; without reservations every request arriving before the
 * first one committed found the same usage and passed (20 uploads at once: six of 61.6 KB each
 * accepted under a quota of 100 KB). Now a request is admitted only while the owner's stored bytes
 * plus what its requests in progress have reserved stay below the quota, and it reserves its body's
 * length until it ends, accepted or not: one owner's requests admitted at once store about one
 * request's worth beyond the quota, as one at a time do.
 *
 * <p>Each instance keeps its own, in memory: instances sharing a database each admit on their own
 * reservations (the stored bytes they compare with are the database's).
 */
final class StoringRequests {

    /** Per owner: the bytes reserved, and how many threads hold the entry (while it is > 0 it stays mapped). */
    private static final class Owner {
        /** Changed only inside the map's compute for this owner's key. */
        int holders;

        /** The rest is guarded by the entry's monitor. */
        long reserved;

        /** Reservations ended so far: each release's sequence number. */
        long releases;

        /**
         * Reservations ended while an admission was reading the stored bytes, as {sequence, bytes}: that
         * read may have begun before their request committed, so it counts them as still reserved.
         */
        final ArrayDeque<long[]> released = new ArrayDeque<>();

        /** Admissions reading the stored bytes now, by the release count when their read began. */
        final TreeMap<Long, Integer> readers = new TreeMap<>();

        long releasedAfter(long start) {
            long bytes = 0;
            for (long[] release : released) {
                if (release[0] > start) {
                    bytes += release[1];
                }
            }
            return bytes;
        }

        /** Ends a read that began at {@code start}, and forgets the releases every remaining read has seen. */
        void endRead(long start) {
            readers.computeIfPresent(start, (at, count) -> count == 1 ? null : count - 1);
            long oldest = readers.isEmpty() ? Long.MAX_VALUE : readers.firstKey();
            while (!released.isEmpty() && released.peekFirst()[0] <= oldest) {
                released.removeFirst();
            }
        }
    }

    /** Whether a request was admitted, and what the owner had stored and reserved when it was decided. */
    record Admission(boolean admitted, long stored, long reserved) {}

    private final ConcurrentHashMap<String, Owner> owners = new ConcurrentHashMap<>();

    /**
     * Admits a request that reserves {@code bytes} if {@code stored + reserved < quota}, where reserved
     * also counts the reservations that ended while the stored bytes were being read: a request commits
     * before its reservation ends, so whatever a concurrent request stores is either read as stored or
     * counted as reserved, never neither (at worst both, for a moment).
     *
     * <p>The stored bytes are read outside the owner's lock. Held across the read, the lock made an
     * owner's requests wait for each other's reads: while the database was unreachable and the health
     * check had not noticed yet, each waited for the connection timeout of every one before it.
     *
     * @param stored reads the owner's stored bytes from the database
     */
    Admission admit(String owner, long bytes, long quota, LongSupplier stored) {
        Owner entry = enter(owner);
        boolean admitted = false;
        try {
            long start;
            synchronized (entry) {
                start = entry.releases;
                entry.readers.merge(start, 1, Integer::sum);
            }
            long usage;
            try {
                usage = stored.getAsLong();
            } catch (RuntimeException e) {
                synchronized (entry) {
                    entry.endRead(start);
                }
                throw e;
            }
            synchronized (entry) {
                long reserved = entry.reserved + entry.releasedAfter(start);
                entry.endRead(start);
                if (usage + reserved >= quota) {
                    return new Admission(false, usage, reserved);
                }
                entry.reserved += bytes;
                admitted = true;
                return new Admission(true, usage, reserved);
            }
        } finally {
            if (!admitted) {
                leave(owner);
            }
        }
    }

    /** Ends an admitted request's reservation of {@code bytes}, after it committed or failed; once per admitted request. */
    void release(String owner, long bytes) {
        Owner entry = owners.get(owner);
        synchronized (entry) {
            entry.reserved -= bytes;
            entry.releases++;
            if (!entry.readers.isEmpty()) {
                entry.released.addLast(new long[] {entry.releases, bytes});
            }
        }
        leave(owner);
    }

    /** The bytes an owner's requests in progress have reserved. */
    long reserved(String owner) {
        Owner entry = owners.get(owner);
        if (entry == null) {
            return 0;
        }
        synchronized (entry) {
            return entry.reserved;
        }
    }

    private Owner enter(String owner) {
        return owners.compute(owner, (name, entry) -> {
            Owner held = entry == null ? new Owner() : entry;
            held.holders++;
            return held;
        });
    }

    private void leave(String owner) {
        owners.computeIfPresent(owner, (name, entry) -> --entry.holders == 0 ? null : entry);
    }
}
