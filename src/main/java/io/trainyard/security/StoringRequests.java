package io.trainyard.security;

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

        /** Guarded by the entry's monitor. */
        long reserved;
    }

    /** Whether a request was admitted, and what the owner had stored and reserved when it was decided. */
    record Admission(boolean admitted, long stored, long reserved) {}

    private final ConcurrentHashMap<String, Owner> owners = new ConcurrentHashMap<>();

    /**
     * Admits a request that reserves {@code bytes} if {@code stored + reserved < quota}. Reading the stored
     * bytes and reserving happen under the owner's lock, and a reservation is released only after its
     * request has committed: so whatever a concurrent request stores is either read as stored or still
     * reserved, never neither.
     *
     * @param stored reads the owner's stored bytes from the database
     */
    Admission admit(String owner, long bytes, long quota, LongSupplier stored) {
        Owner entry = enter(owner);
        boolean admitted = false;
        try {
            synchronized (entry) {
                long usage = stored.getAsLong();
                long reserved = entry.reserved;
                if (usage + reserved >= quota) {
                    return new Admission(false, usage, reserved);
                }
                entry.reserved = reserved + bytes;
                admitted = true;
                return new Admission(true, usage, reserved);
            }
        } finally {
            if (!admitted) {
                leave(owner);
            }
        }
    }

    /** Ends an admitted request's reservation of {@code bytes}; called once per admitted request. */
    void release(String owner, long bytes) {
        Owner entry = owners.get(owner);
        synchronized (entry) {
            entry.reserved -= bytes;
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
