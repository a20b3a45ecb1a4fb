package io.trainyard.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.trainyard.system.DaemonThreads;
import io.trainyard.system.DatabaseFailures;
import io.trainyard.system.DatabaseReachability;
import io.trainyard.system.Timestamps;

/**
 * Records a key's {@code lastUsedAt}, at most once per {@code trainyard.auth.last-used-interval} per
 * key, on a thread of its own. The write used to be made by the request that happened to be due for
 * it: a key in the cache, which needs no database to check, then held that request for the pool's
 * whole connection timeout (30 s) and answered it 503 when the database was gone, even on
 * {@code /keys/me}, which otherwise needs no database at all.
 *
 * <p>Bounded: one pending time per key (a later use before it is written changes nothing, the column's
 * precision being the interval) and one writer thread, so an outage costs no request thread and at most
 * one waiting pool connection. A write that meets the database gone is kept and tried again every
 * {@link #RETRY}, not while the readiness check still finds the database gone; one that fails
 * otherwise (a bug, not an outage) is logged and dropped.
 */
@Component
class KeyUsage implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KeyUsage.class);

    static final Duration RETRY = Duration.ofSeconds(5);

    private final KeyRepository keys;
    private final Duration interval;
    private final DatabaseReachability database;
    private final Duration retry;
    /** When each key's use was last taken to be written (whether or not the write has happened yet). */
    private final Map<String, Instant> lastRecorded = new ConcurrentHashMap<>();
    /** Uses not written yet: the time to write, per key id. */
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();

    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    /** One thread: writes never run at once, and a write waits for at most one pool connection. */
    private final ScheduledExecutorService writer;

    @Autowired
    KeyUsage(KeyRepository keys, AuthProperties properties, DatabaseReachability database) {
        this(
                keys,
                properties,
                database,
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-key-usage")),
                RETRY);
    }

    /** @param writer a single thread (tests pass their own, to know when it has done what it was given) */
    KeyUsage(
            KeyRepository keys,
            AuthProperties properties,
            DatabaseReachability database,
            ScheduledExecutorService writer,
            Duration retry) {
        this.keys = keys;
        this.interval = properties.lastUsedInterval();
        this.database = database;
        this.writer = writer;
        this.retry = retry;
    }

    /** The key was used now; returns at once, the write (when due) follows on the writer thread. */
    void used(String id) {
        Instant now = Timestamps.now();
        Instant last = lastRecorded.get(id);
        if (last != null && last.plus(interval).isAfter(now)) {
            return;
        }
        // One of the requests racing here wins the interval.
        if (last == null ? lastRecorded.putIfAbsent(id, now) == null : lastRecorded.replace(id, last, now)) {
            pending.merge(id, now, KeyUsage::later);
            submit(this::write);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A revoked key's use is no longer recorded. */
    void forget(String id) {
        lastRecorded.remove(id);
        pending.remove(id);
    }

    /** Writes every pending use, or leaves them for a retry while the database cannot take them. */
    void write() {
        if (database.outage().isPresent()) {
            retryLater();
            return;
        }
        for (String id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at == null) {
                continue;
            }
            try {
                keys.touch(id, at);
            } catch (RuntimeException e) {
                if (!DatabaseFailures.isTransient(e)) {
                    log.warn("Could not record the use of key {} at {}; not trying again", id, at, e);
                    continue;
                }
                // Kept unless a newer use came meanwhile; the others wait for the same retry.
                pending.merge(id, at, KeyUsage::later);
                log.debug("Could not record the use of key {} ({}); trying again in {}", id, e.toString(), retry);
                retryLater();
                return;
            }
        }
    }

    private void retryLater() {
        if (retryScheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(
                        () -> {
                            retryScheduled.set(false);
                            write();
                        },
                        retry.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                retryScheduled.set(false);
            }
        }
    }

    private void submit(Runnable task) {
        try {
            writer.execute(task);
        } catch (RejectedExecutionException stopping) {
            // Stopping: destroy() writes what is pending.
        }
    }

    /** Writes what is still pending, if the database answers; a stop does not wait for it to come back. */
    @Override
    public void destroy() throws InterruptedException {
        writer.shutdownNow();
        if (writer.awaitTermination(1, TimeUnit.SECONDS)
                && !pending.isEmpty()
                && database.outage().isEmpty()) {
            try {
                for (Map.Entry<String, Instant> use : pending.entrySet()) {
                    keys.touch(use.getKey(), use.getValue());
                }
            } catch (RuntimeException e) {
                log.debug("Could not record the latest key uses while stopping: {}", e.toString());
            }
        }
    }
}
