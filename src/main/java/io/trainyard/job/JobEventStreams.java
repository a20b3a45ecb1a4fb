package io.trainyard.job;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.security.KeyRevoked;
import io.trainyard.system.DaemonThreads;
import io.trainyard.system.TooManyRequestsException;
import io.trainyard.system.TrainyardProperties;

import tools.jackson.databind.json.JsonMapper;

/**
 * Server-Sent Events for watchers of jobs. One ticker thread looks at each watched job a few times
 * a second (one read per job, however many watchers it has) and sends a {@code status} event on
 * every status change and a throttled {@code progress} event while it runs; after the final status
 * the streams end. Training threads never see any of this while they train: they only publish volatile
 * progress (a job's final status is told by its worker once it is stored: {@link #onFinished}).
 *
 * <p>Bounded by design:
 * <ul>
 * <li>the ticker never writes to a socket: it puts each event in the stream's own small queue, and a
 * small pool of writer threads drains the queues. A reader too slow to take what it is sent fills its
 * queue and is dropped; the others never wait for it;</li>
 * <li>open streams are capped per instance and per client (429 beyond), and each stream is closed
 * after {@code event-stream-timeout} (clients reconnect: {@code EventSource} does so by itself);
 * a comment line every few seconds finds readers that went away without a word;</li>
 * <li>the ticker survives any failure of a tick;</li>
 * <li>each stream remembers the last status it was told (by the job version it had), and a new stream joins its job's watchers
 * under the same lock as the tick, so no status change falls between subscribing and the first tick.</li>
 * </ul>
 *
 * <p>Every status change is told once and in order, even those the ticker did not see happen: a
 * hand-back and re-claim (RUNNING → QUEUED → RUNNING), or a recovery, can be over between two looks,
 * and another instance sharing the database publishes nothing here. Each change bumps the job's
 * {@code version} by one, and nothing else does, so a stream remembers the version it was told; when
 * the job is further on, the changes in between are rebuilt from the attempt records, which are
 * written in the same transaction as each change: a claim made the version that is its attempt's
 * token (RUNNING), and the move that ended a handed-back or lost attempt the next one (QUEUED, unless
 * it is the job's latest version and the job ended there). See {@link JobResponse#asOf}.
 */
@Component
class JobEventStreams implements DisposableBean, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);
    /**
     * How often the ticker looks at every watched job (property {@code trainyard.event-streams.tick},
     * an internal setting: tests stretch it to show that final statuses do not wait for it).
     */
    private final Duration tickDelay;
    /** A stream that was sent nothing for this long gets a comment line, to find readers that are gone. */
    private static final long KEEPALIVE_NANOS = 15_000_000_000L;
    /** Events waiting for one reader; a reader this far behind is dropped. */
    static final int QUEUE_CAPACITY = 64;

    private static final int WRITERS = 4;

    /** A stream this many status changes behind is told only the latest (no job comes near it). */
    private static final int MAX_REBUILT = 32;

    private final JobService jobs;
    private final JobRepository repository;
    private final JsonMapper json;
    private final int maxStreams;
    private final int maxPerClient;
    private final Duration timeout;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Streams closed because their reader fell {@link #QUEUE_CAPACITY} events behind. */
    private final Counter dropped;

    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-job-events"));
    private final ExecutorService writers =
            Executors.newFixedThreadPool(WRITERS, DaemonThreads.named("trainyard-job-events-writer"));

    JobEventStreams(
            JobService jobs,
            JobRepository repository,
            JsonMapper json,
            TrainyardProperties properties,
            MeterRegistry registry,
            @org.springframework.beans.factory.annotation.Value("${trainyard.event-streams.tick:250ms}")
                    Duration tick) {
        this.tickDelay = tick;
        this.jobs = jobs;
        this.repository = repository;
        this.json = json;
        this.maxStreams = properties.limits().maxEventStreams();
        this.maxPerClient = properties.limits().maxEventStreamsPerClient();
        this.timeout = properties.limits().eventStreamTimeout();
        Gauge.builder("trainyard.event.streams.open", open, AtomicInteger::get)
                .description("Open event streams (GET /jobs/{id}/events) of this instance")
                .register(registry);
        this.dropped = Counter.builder("trainyard.event.streams.dropped")
                .description("Event streams closed because their reader fell behind")
                .register(registry);
        ticker.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A new stream for {@code id}: its current status at once, then updates until the job finishes.
     *
     * @param client who opens it, for the per-client cap (the remote address; the owner once
     *     requests carry one)
     * @throws TooManyRequestsException beyond the per-instance or per-client cap
     * @throws JobNotFoundException when there is no such job
     */
    SseEmitter subscribe(String id, String client) {
        Stream stream = open(client);
        try {
            TrainingJob job = jobs.get(id);
            if (job.status().isTerminal()) {
                stream.offer(new Event("status", json.writeValueAsString(jobs.describe(job))));
                stream.offer(Event.END);
                return stream.emitter;
            }
            while (true) {
                Watched entry = watched.computeIfAbsent(id, key -> new Watched(new ProgressPace(tickDelay)));
                synchronized (entry) {
                    if (entry.closed) {
                        continue; // the ticker has just ended this job's streams; start over with a fresh entry
                    }
                    // Read under the tick's lock: whatever the ticker tells this job's watchers next
                    // comes after what this stream is told now.
                    job = jobs.get(id);
                    stream.lastVersion = job.claim().version();
                    stream.offer(new Event("status", json.writeValueAsString(jobs.describe(job))));
                    if (job.status().isTerminal() || stopping) {
                        // A stopping instance tells the current status and ends: the watcher reconnects elsewhere or
                        // later.
                        stream.offer(Event.END);
                    } else {
                        entry.streams.add(stream);
                    }
                    return stream.emitter;
                }
            }
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /**
     * A job of this instance started: its watchers hear of it now, not at the next tick. What they
     * are told is read from the database then, so a job that has already moved on (finished, or was
     * handed back) still shows its RUNNING status first, rebuilt from its attempt.
     */
    @org.springframework.context.event.EventListener
    void onStarted(JobStarted started) {
        push(started.job().id());
    }

    /**
     * A job of this instance reached its final status: its watchers get it now, not up to a tick
     * later (a script waiting on the stream for a short job would otherwise wait longer than the
     * training took). Jobs finished by other instances are seen at the next tick.
     *
     * <p>Told on the thread that stored the status, once its transaction is over (the worker, whose job is
     * done, or a cancelling request), under the same lock as the ticker's looks, so the order of events is
     * the same. A hop to the ticker thread made the final status wait for a thread that was not running:
     * on two cores the worker moving on to the next job, the writer and the JIT compiler all wanted a core
     * just then (docs/benchmarks.md, session 39). Inside a transaction it still goes to the ticker: the
     * status is not there for others to read until the commit.
     */
    @org.springframework.context.event.EventListener
    void onFinished(JobFinished finished) {
        String id = finished.jobId();
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            push(id);
            return;
        }
        // Never the publisher's problem if it fails: its job is stored; the ticker tells the watchers at its next look.
        updateNow(id);
    }

    /** Brings the watchers of job {@code id}, if it has any, up to date now, on the ticker thread. */
    private void push(String id) {
        if (!watched.containsKey(id)) {
            return;
        }
        try {
            ticker.execute(() -> updateNow(id));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Brings the watchers of job {@code id}, if it has any, up to date on this thread; never throws. */
    private void updateNow(String id) {
        Watched state = watched.get(id);
        if (state == null) {
            return;
        }
        try {
            update(id, state, System.nanoTime());
        } catch (Throwable e) {
            log.warn("Could not update the event streams of job {}: {}", id, e.toString());
        }
    }

    /**
     * A revoked key's streams end now: its next request is refused, and a stream left open would go on
     * telling a caller who may no longer see the job about it until the job ends (days, for a long one).
     * Streams are counted per caller name, which is the key's name, so exactly its streams are found.
     */
    @org.springframework.context.event.EventListener
    void onKeyRevoked(KeyRevoked revoked) {
        for (Watched state : watched.values()) {
            synchronized (state) {
                for (Stream stream : state.streams) {
                    if (stream.client.equals(revoked.name())) {
                        state.streams.remove(stream);
                        stream.close();
                    }
                }
            }
        }
    }

    /** Number of open streams, for tests and metrics. */
    int openStreams() {
        return open.get();
    }

    private Stream open(String client) {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            throw new TooManyRequestsException(
                    "This instance has " + maxStreams + " event streams open, the limit "
                            + "(trainyard.limits.max-event-streams); poll GET /jobs/{id} instead or try again later.",
                    Duration.ofSeconds(30));
        }
        try {
            perClient.compute(client, (key, count) -> {
                int mine = count == null ? 0 : count;
                if (mine >= maxPerClient) {
                    throw new TooManyRequestsException(
                            "You have " + maxPerClient + " event streams open, the limit "
                                    + "per client (trainyard.limits.max-event-streams-per-client); close some or poll "
                                    + "GET /jobs/{id} instead.",
                            Duration.ofSeconds(30));
                }
                return mine + 1;
            });
        } catch (TooManyRequestsException e) {
            open.decrementAndGet();
            throw e;
        }
        return new Stream(client, new SseEmitter(timeout.toMillis()));
    }

    /** Whether an open stream watches job {@code id} (for tests). */
    boolean watching(String id) {
        Watched state = watched.get(id);
        return state != null && !state.streams.isEmpty();
    }

    private void tick() {
        // Nothing escapes: an exception leaving a scheduled task would silently end the ticker for good.
        try {
            long now = System.nanoTime();
            for (Map.Entry<String, Watched> entry : watched.entrySet()) {
                try {
                    update(entry.getKey(), entry.getValue(), now);
                } catch (Throwable e) {
                    log.warn("Could not update the event streams of job {}: {}", entry.getKey(), e.toString());
                }
            }
        } catch (Throwable e) {
            log.error("Event stream tick failed; the next tick tries again", e);
        }
    }

    private void update(String id, Watched state, long now) {
        synchronized (state) {
            state.streams.removeIf(s -> s.closed.get());
            if (state.streams.isEmpty()) {
                close(id, state);
                return;
            }
            TrainingJob job;
            try {
                job = jobs.get(id);
            } catch (JobNotFoundException e) {
                state.streams.forEach(s -> s.offer(Event.END));
                close(id, state);
                return;
            }
            // Status events first, in the order the changes were made, so that a watcher learns that
            // the job runs (again) before it hears of its progress; a final status comes last, after
            // the last word on progress.
            LiveProgress latest = jobs.progress(job);
            int version = job.claim().version();
            boolean terminal = job.status().isTerminal();
            List<Stream> behind = state.streams.stream()
                    .filter(stream -> stream.lastVersion < version)
                    .toList();
            Map<Integer, Event> statuses = behind.isEmpty() ? Map.of() : statusesUpTo(job, latest, behind);
            for (Stream stream : behind) {
                int from = Math.max(stream.lastVersion + 1, version - MAX_REBUILT);
                tell(stream, statuses, from, terminal ? version - 1 : version);
            }
            // Progress events need no attempts: only status events read them (one more query).
            JobResponse body = JobResponse.from(job, latest, List.of());
            if (job.status() == JobStatus.RUNNING) {
                int iteration = body.progress().iteration();
                if (state.pace.due(iteration, now)) {
                    broadcast(state, new Event("progress", json.writeValueAsString(ProgressEvent.from(body))));
                    state.pace.sent(iteration, now);
                }
            }
            if (terminal
                    && job.claim().startedAt() != null
                    && state.pace.isNew(body.progress().iteration())) {
                // The last word on progress before the final status, even for a job faster than one tick.
                broadcast(state, new Event("progress", json.writeValueAsString(ProgressEvent.from(body))));
                state.pace.sent(body.progress().iteration(), now);
            }
            for (Stream stream : behind) {
                if (terminal) {
                    tell(stream, statuses, version, version);
                }
                stream.lastVersion = version;
            }
            for (Stream stream : state.streams) {
                if (now - stream.lastSent >= KEEPALIVE_NANOS) {
                    stream.offer(Event.KEEPALIVE);
                }
            }
            if (job.status().isTerminal()) {
                state.streams.forEach(s -> s.offer(Event.END));
                close(id, state);
            }
        }
    }

    /**
     * The status events of the job's changes that some stream has not been told yet, by the version
     * each change made: the latest from the job itself, the earlier ones rebuilt from its attempts.
     * A version no attempt accounts for (a claim made before attempts were recorded) has no event.
     */
    private Map<Integer, Event> statusesUpTo(TrainingJob job, LiveProgress latest, List<Stream> streams) {
        int version = job.claim().version();
        int oldest = version;
        for (Stream stream : streams) {
            oldest = Math.min(oldest, Math.max(stream.lastVersion + 1, version - MAX_REBUILT));
        }
        // Read after the job row, so it may hold changes made since: the attempts are taken as they
        // stood at the row's version (later claims left out, an end made later not yet there).
        List<JobRepository.ClaimedAttempt> claimed = new ArrayList<>();
        for (JobRepository.ClaimedAttempt attempt : repository.claimedAttempts(job.id())) {
            if (attempt.token() < version) {
                claimed.add(attempt);
            } else if (attempt.token() == version) {
                JobAttempt a = attempt.attempt();
                claimed.add(new JobRepository.ClaimedAttempt(
                        attempt.token(),
                        new JobAttempt(a.number(), a.startedAt(), null, a.instance(), a.resumedFrom(), null)));
            }
        }
        List<JobAttempt> attempts =
                claimed.stream().map(JobRepository.ClaimedAttempt::attempt).toList();
        Map<Integer, Event> events = new HashMap<>();
        events.put(version, new Event("status", json.writeValueAsString(JobResponse.from(job, latest, attempts))));
        for (int i = 0; i < claimed.size(); i++) {
            int token = claimed.get(i).token();
            JobAttempt.Outcome outcome = claimed.get(i).attempt().outcome();
            if (token >= oldest && token < version) {
                events.put(token, rebuilt(job, latest, attempts, JobStatus.RUNNING, i));
            }
            // Only a hand-back or a loss sends a job back to the queue; a lost attempt whose end is the
            // job's latest version ended the job (recovery cancelled or failed it), which is told above.
            boolean requeued = outcome == JobAttempt.Outcome.HANDED_BACK || outcome == JobAttempt.Outcome.LOST;
            if (requeued && token + 1 >= oldest && token + 1 < version) {
                events.put(token + 1, rebuilt(job, latest, attempts, JobStatus.QUEUED, i));
            }
        }
        return events;
    }

    /** Offers {@code stream} the status events of versions {@code from} to {@code to}, in order. */
    private static void tell(Stream stream, Map<Integer, Event> statuses, int from, int to) {
        for (int v = from; v <= to; v++) {
            Event status = statuses.get(v);
            if (status != null) {
                stream.offer(status);
            }
        }
    }

    private Event rebuilt(TrainingJob job, LiveProgress latest, List<JobAttempt> attempts, JobStatus status, int i) {
        return new Event("status", json.writeValueAsString(JobResponse.asOf(job, latest, attempts, status, i)));
    }

    private void close(String id, Watched state) {
        state.closed = true;
        watched.remove(id, state);
    }

    private static void broadcast(Watched state, Event event) {
        // Serialised once, however many watchers: a crowd of dashboards costs one JSON write per event.
        for (Stream stream : state.streams) {
            stream.offer(event);
        }
    }

    /**
     * Ends every stream when the instance stops, after the workers have handed their jobs back (they
     * stop in an earlier phase) and before the web server's graceful shutdown: one last look tells
     * each watcher of those hand-backs, and then its stream ends. Left open, a stream held the
     * graceful phase for its whole 4 s, which a stop under load could not spare (audit 30: 8 s to
     * stop with one dashboard watching).
     */
    @Override
    public void stop() {
        stopping = true;
        tick();
        for (Watched state : watched.values()) {
            // Under the lock a subscribe holds: a stream added just before is ended here, one added
            // after sees the flag and ends itself.
            synchronized (state) {
                state.streams.forEach(stream -> stream.offer(Event.END));
            }
        }
    }

    private volatile boolean stopping;

    @Override
    public void start() {
        stopping = false;
    }

    @Override
    public boolean isRunning() {
        return !stopping;
    }

    /** Between the workers ({@code DEFAULT_PHASE}) and the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
        watched.values().forEach(w -> w.streams.forEach(Stream::close));
        writers.shutdownNow();
    }

    /** An event to send, or one of the markers. */
    private record Event(String name, String data) {
        static final Event END = new Event(null, null);
        static final Event KEEPALIVE = new Event(null, "keepalive");
    }

    /** One open stream: its emitter, its queue of unsent events, and what it has been told. */
    private final class Stream {
        final String client;
        final SseEmitter emitter;
        final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        final AtomicBoolean draining = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();
        /** The job version of the last status this stream was told (each status change is one version). */
        volatile int lastVersion;

        volatile long lastSent = System.nanoTime();

        Stream(String client, SseEmitter emitter) {
            this.client = client;
            this.emitter = emitter;
            emitter.onCompletion(this::release);
            emitter.onTimeout(this::release);
            emitter.onError(error -> release());
        }

        /** Queues an event without ever waiting; a reader that cannot keep up is dropped. */
        void offer(Event event) {
            if (closed.get()) {
                return;
            }
            if (!queue.offer(event)) {
                log.info("Dropping an event stream that is {} events behind", QUEUE_CAPACITY);
                if (!closed.get()) {
                    dropped.increment();
                }
                close();
                return;
            }
            lastSent = System.nanoTime();
            if (draining.compareAndSet(false, true)) {
                try {
                    writers.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    close();
                }
            }
        }

        /** Writes what is queued, on a writer thread; one drain per stream at a time keeps the order. */
        private void drain() {
            try {
                Event event;
                while (!closed.get() && (event = queue.poll()) != null) {
                    if (event == Event.END) {
                        release();
                        break;
                    }
                    if (event == Event.KEEPALIVE) {
                        emitter.send(SseEmitter.event().comment(event.data()));
                    } else {
                        emitter.send(SseEmitter.event().name(event.name()).data(event.data()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The watcher went away; that is normal for event streams.
                release();
            } finally {
                draining.set(false);
                // Checked after the flag is cleared: a close() that ran while this drain held the flag
                // could not schedule the completion itself, so this drain completes the response.
                if (closed.get()) {
                    complete();
                }
            }
            if (closed.get()) {
                return;
            }
            // An event offered after the last poll but before the flag was cleared would wait for the
            // next one; look once more.
            if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
                try {
                    writers.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    release();
                }
            }
        }

        /**
         * Ends the stream without waiting: the slot is freed at once; the response is completed by a
         * writer thread (the one stuck in a write to this reader, once that write returns or times out).
         */
        void close() {
            release();
            if (draining.compareAndSet(false, true)) {
                try {
                    writers.execute(() -> {
                        complete();
                        draining.set(false);
                    });
                } catch (RejectedExecutionException e) {
                    complete();
                }
            }
        }

        private void complete() {
            try {
                emitter.complete();
            } catch (RuntimeException e) {
                // already completed
            }
        }

        /** Frees this stream's slots, once. */
        private void release() {
            if (closed.compareAndSet(false, true)) {
                queue.clear();
                open.decrementAndGet();
                perClient.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
            }
        }
    }

    /** The watchers of one job and what they have been told. */
    private static final class Watched {
        final List<Stream> streams = new CopyOnWriteArrayList<>();
        final ProgressPace pace;
        boolean closed;

        Watched(ProgressPace pace) {
            this.pace = pace;
        }
    }

    /** The data of a {@code progress} event. */
    record ProgressEvent(
            int iteration,
            int iterations,
            double fraction,
            Double iterationsPerSecond,
            Double etaSeconds,
            Double trainLoss,
            Double validationLoss,
            Double testLoss) {

        static ProgressEvent from(JobResponse job) {
            JobResponse.Progress p = job.progress();
            return new ProgressEvent(
                    p.iteration(),
                    p.iterations(),
                    p.fraction(),
                    p.iterationsPerSecond(),
                    p.etaSeconds(),
                    job.trainLoss(),
                    job.validationLoss(),
                    job.testLoss());
        }
    }
}
