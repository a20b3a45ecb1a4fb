package io.trainyard.system;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything an operator can set under {@code trainyard.*} (see the README's configuration table).
 *
 * @param dataDir where the embedded database lives ({@code TRAINYARD_DATA_DIR})
 * @param workers training jobs run at once by this instance; 0 means one per core
 * @param instanceId this instance's name in job claims; empty means host name plus a random suffix
 * @param heartbeatInterval how often a running job's claim is renewed and cancel requests are picked up
 * @param heartbeatTimeout a running job whose claim has not been renewed for this long is taken to be
 *     orphaned by a crashed instance and is re-queued
 * @param maxAttempts a job whose training was interrupted this many times in a row without a new checkpoint ends FAILED
 * @param pollInterval how often idle workers look for jobs queued by other instances
 * @param historyFlushInterval how often a running job's loss history is written to the database
 * @param progressLogInterval how often a running job logs its progress at INFO
 * @param checkpointInterval how often a running job stores a checkpoint it can resume from
 * @param shutdownTimeout how long a stopping instance gives its workers to checkpoint and hand back
 *     their jobs (the whole stop, web server included, stays within it)
 */
@ConfigurationProperties("trainyard")
public record TrainyardProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("0") int workers,
        @DefaultValue("") String instanceId,
        @DefaultValue("2s") Duration heartbeatInterval,
        @DefaultValue("30s") Duration heartbeatTimeout,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("1s") Duration historyFlushInterval,
        @DefaultValue("5s") Duration progressLogInterval,
        @DefaultValue("10s") Duration checkpointInterval,
        @DefaultValue("10s") Duration shutdownTimeout,
        @DefaultValue Limits limits) {

    public TrainyardProperties {
        // Refused at start (Spring Boot reports the binding failure in a few lines): a negative count was
        // silently read as "one per core".
        if (workers < 0) {
            throw new IllegalArgumentException(
                    "trainyard.workers must be 0 (one worker per core) or a positive number of workers, got "
                            + workers);
        }
    }

    /** The number of training workers this instance runs. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Bounds that keep one request or job from exhausting a small machine. Exceeding one is a 4xx
     * that names the limit and the property that raises it.
     *
     * @param maxHiddenLayers hidden layers in one network
     * @param maxWidth units in one layer (input width after basis expansion included)
     * @param maxParameters weights plus biases of one network
     * @param maxIterations gradient steps of one job
     * @param maxDataCells numbers in one data set or prediction request (rows × columns, all parts)
     * @param maxRequestSize bytes of one request body
     * @param queueCapacity jobs waiting in the queue (all instances together); beyond it POST /jobs answers 429
     * @param queueCountMaxAge how long a count of the queue that found it full goes on refusing submits
     *     before their bodies are read ({@code job/QueueGauge}); a job that leaves the queue on this
     *     instance ends it at once, one claimed elsewhere within this time. A job is accepted only on a
     *     count made for it
     * @param maxSweepSize jobs one sweep may expand to
     * @param maxJobMemory estimated working memory of one job or prediction request; unset means a
     *     quarter of the heap
     * @param memoryBudget the estimated working memory of all jobs this instance trains at once; a
     *     worker leaves a queued job that does not fit beside the running ones for later; unset means
     *     half of the heap
     * @param maxEventStreams open event streams of this instance
     * @param maxEventStreamsPerClient open event streams of one client (its address until requests
     *     carry an owner)
     * @param eventStreamTimeout an event stream is closed after this long; clients reconnect
     * @param largeRequestSize a body above this (or of unknown length) is read only with a permit
     *     ({@code system/LargeBodyGate})
     * @param concurrentLargeRequests large bodies read at once; 0 means one per 16 × max-request-size
     *     of heap, at least one
     * @param largeRequestWait how long a large body waits for a permit before it is answered 503
     * @param concurrentBodyBytes bytes of request bodies over 64 KB read at once, whatever their size
     *     ({@code system/LargeBodyGate}); unset means a sixteenth of the heap
     * @param minRequestRate bytes per second a request body must average once
     *     {@code min-request-rate-grace} has passed since its reading began; a slower body is answered
     *     408 and its connection closed ({@code system/RequestSizeLimitFilter}); 0 turns the check off
     * @param minRequestRateGrace how long a body may take before {@code min-request-rate} applies
     * @param minFreeDisk free space the disk that holds the embedded H2 file database must keep: below
     *     it, submits, sweeps, uploads and imports are answered 503, readiness is DOWN, and a database
     *     that closed itself after a failed write is not opened again ({@code system/DatabaseDiskSpace});
     *     0 turns the check off. The default leaves room for the largest checkpoint the default limits
     *     allow (5 million parameters with Adam's two moments: 120 MB) while H2 still keeps the one it
     *     replaces, and for the running jobs' histories meanwhile
     */
    public record Limits(
            @DefaultValue("32") int maxHiddenLayers,
            @DefaultValue("1024") int maxWidth,
            @DefaultValue("5000000") long maxParameters,
            @DefaultValue("1000000") int maxIterations,
            @DefaultValue("10000000") long maxDataCells,
            @DefaultValue("64MB") DataSize maxRequestSize,
            @DefaultValue("1000") int queueCapacity,
            @DefaultValue("100ms") Duration queueCountMaxAge,
            @DefaultValue("200") int maxSweepSize,
            DataSize maxJobMemory,
            DataSize memoryBudget,
            @DefaultValue("1000") int maxEventStreams,
            @DefaultValue("100") int maxEventStreamsPerClient,
            @DefaultValue("30m") Duration eventStreamTimeout,
            @DefaultValue("4MB") DataSize largeRequestSize,
            @DefaultValue("0") int concurrentLargeRequests,
            @DefaultValue("30s") Duration largeRequestWait,
            DataSize concurrentBodyBytes,
            @DefaultValue("64KB") DataSize minRequestRate,
            @DefaultValue("10s") Duration minRequestRateGrace,
            @DefaultValue("256MB") DataSize minFreeDisk) {

        public Limits {
            if (concurrentLargeRequests < 0) {
                throw new IllegalArgumentException(
                        "trainyard.limits.concurrent-large-requests must be 0 (derived from the heap) or a "
                                + "positive number of requests, got " + concurrentLargeRequests);
            }
            if (minFreeDisk != null && minFreeDisk.toBytes() < 0) {
                throw new IllegalArgumentException(
                        "trainyard.limits.min-free-disk must be 0 (no check) or a size such as 256MB, got "
                                + minFreeDisk);
            }
        }

        /** {@code max-job-memory} in bytes: as configured, or a quarter of the heap. */
        public long maxJobMemoryBytes() {
            return maxJobMemory != null
                    ? maxJobMemory.toBytes()
                    : Runtime.getRuntime().maxMemory() / 4;
        }

        /** {@code memory-budget} in bytes: as configured, or half of the heap. */
        public long memoryBudgetBytes() {
            return memoryBudget != null
                    ? memoryBudget.toBytes()
                    : Runtime.getRuntime().maxMemory() / 2;
        }
    }
}
