package io.trainyard.system;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator can set under {@code trainyard.*} (see the README's configuration table).
 *
 * <p>Every value is checked when the properties are bound, before the web server and the workers
 * start: values out of range end the start-up with a short report of one line each, naming the
 * property, the value and the range, of this record and of every other {@code trainyard.*} group
 * ({@link ConfigurationRangeFailureAnalyzer}). Before, a zero interval was accepted and misbehaved later
 * (a poll that waited for ever, a scheduler that refused it after the port had opened, a stop whose
 * deadline thread died). A bare number is a duration in milliseconds (Spring Boot's default unit),
 * which the messages say, since {@code 30} for {@code 30s} is the likeliest slip.
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
@Validated
public record TrainyardProperties(
        @DefaultValue("./data") Path dataDir,

        @DefaultValue("0") @Min(value = 0, message = "must be 0 (one worker per core) or a positive number of workers")
        int workers,
        // The claim columns hold 200 characters: a longer name failed every claim, so no job ever ran.
        @DefaultValue("") @Size(max = 200, message = "must be at most 200 characters")
        String instanceId,

        @DefaultValue("2s") @DurationMin(millis = 1, message = AT_LEAST_1MS)
        Duration heartbeatInterval,
        // Also PostgreSQL's lock and idle-in-transaction timeouts (training/StalledSessionLimits): below a
        // second every pause of the instance or the database loses the claim, and
        // TRAINYARD_HEARTBEAT_TIMEOUT=30 (30 ms) orphaned every running job at once.
        @DefaultValue("30s")
        @DurationMin(
                seconds = 1,
                message = "must be at least 1s (a duration such as 30s; a bare number is milliseconds)")
        Duration heartbeatTimeout,

        @DefaultValue("3") @Min(value = 1, message = AT_LEAST_1)
        int maxAttempts,
        // A poll under a millisecond was Object.wait(0): idle workers waited for ever for a local submit.
        @DefaultValue("1s") @DurationMin(millis = 1, message = AT_LEAST_1MS)
        Duration pollInterval,

        @DefaultValue("1s") @DurationMin(millis = 1, message = AT_LEAST_1MS)
        Duration historyFlushInterval,

        @DefaultValue("5s") @DurationMin(millis = 1, message = AT_LEAST_1MS)
        Duration progressLogInterval,

        @DefaultValue("10s") @DurationMin(millis = 1, message = AT_LEAST_1MS)
        Duration checkpointInterval,
        // A stop needs time to checkpoint and hand back the jobs; a negative budget killed the deadline thread.
        @DefaultValue("10s")
        @DurationMin(
                seconds = 1,
                message = "must be at least 1s (a duration such as 10s; a bare number is milliseconds)")
        Duration shutdownTimeout,

        @DefaultValue @Valid Limits limits) {

    /** Intervals only need to be something a worker's wait or a scheduler honours. */
    static final String AT_LEAST_1MS =
            "must be at least 1ms (a duration such as 2s or 500ms; a bare number is milliseconds)";

    static final String AT_LEAST_0 = "must be 0 or more (a duration such as 30s; a bare number is milliseconds)";

    static final String AT_LEAST_1 = "must be at least 1";

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
            // 0 allows linear models only ("layers": []).
            @DefaultValue("32") @Min(value = 0, message = "must be 0 (linear models only) or more")
            int maxHiddenLayers,

            @DefaultValue("1024") @Min(value = 1, message = AT_LEAST_1)
            int maxWidth,

            @DefaultValue("5000000") @Min(value = 1, message = AT_LEAST_1)
            long maxParameters,

            @DefaultValue("1000000") @Min(value = 1, message = AT_LEAST_1)
            int maxIterations,

            @DefaultValue("10000000") @Min(value = 1, message = AT_LEAST_1)
            long maxDataCells,

            @DefaultValue("64MB") @MinDataSize(1) DataSize maxRequestSize,

            @DefaultValue("1000") @Min(value = 1, message = AT_LEAST_1)
            int queueCapacity,

            @DefaultValue("100ms") @DurationMin(millis = 0, message = AT_LEAST_0)
            Duration queueCountMaxAge,

            @DefaultValue("200") @Min(value = 1, message = AT_LEAST_1)
            int maxSweepSize,

            @MinDataSize(1) DataSize maxJobMemory,
            @MinDataSize(1) DataSize memoryBudget,

            @DefaultValue("1000") @Min(value = 1, message = AT_LEAST_1)
            int maxEventStreams,

            @DefaultValue("100") @Min(value = 1, message = AT_LEAST_1)
            int maxEventStreamsPerClient,
            // Handed to the stream in whole milliseconds, where 0 means "never closed".
            @DefaultValue("30m") @DurationMin(millis = 1, message = AT_LEAST_1MS)
            Duration eventStreamTimeout,

            @DefaultValue("4MB") @MinDataSize(0) DataSize largeRequestSize,

            @DefaultValue("0")
            @Min(value = 0, message = "must be 0 (derived from the heap) or a positive number of requests")
            int concurrentLargeRequests,

            @DefaultValue("30s") @DurationMin(millis = 0, message = AT_LEAST_0)
            Duration largeRequestWait,

            @MinDataSize(1) DataSize concurrentBodyBytes,
            @DefaultValue("64KB") @MinDataSize(0) DataSize minRequestRate,

            @DefaultValue("10s") @DurationMin(millis = 0, message = AT_LEAST_0)
            Duration minRequestRateGrace,

            @DefaultValue("256MB") @MinDataSize(0) DataSize minFreeDisk) {

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
