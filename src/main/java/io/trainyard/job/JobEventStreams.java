package io.trainyard.job;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.trainyard.system.DaemonThreads;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server-Sent Events for watchers of jobs. One ticker thread looks at each watched job a few times
 * a second (one read per job, however many watchers it has) and sends a {@code status} event on
 * every status change and a throttled {@code progress} event while it runs; after the final status
 * the streams end. Training threads never see any of this: they only publish volatile progress.
 */
@Component
class JobEventStreams implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);
    private static final long TICK_MILLIS = 250;
    /** A running job gets a progress event at least this often, changed or not. */
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    private final JobService jobs;
    private final JsonMapper json;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-job-events"));

    JobEventStreams(JobService jobs, JsonMapper json) {
        this.jobs = jobs;
        this.json = json;
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A new stream for {@code id}: its current status at once, then updates until the job finishes. */
    SseEmitter subscribe(String id) {
        TrainingJob job = jobs.get(id);
        SseEmitter emitter = new SseEmitter(0L);
        JobResponse body = JobResponse.from(job, jobs.progress(job));
        if (!send(emitter, "status", json.writeValueAsString(body))) {
            return emitter;
        }
        if (job.status().isTerminal()) {
            emitter.complete();
            return emitter;
        }
        Watched entry = watched.computeIfAbsent(id, key -> new Watched(job.status()));
        entry.emitters.add(emitter);
        emitter.onCompletion(() -> entry.emitters.remove(emitter));
        emitter.onTimeout(() -> entry.emitters.remove(emitter));
        emitter.onError(error -> entry.emitters.remove(emitter));
        return emitter;
    }

    /**
     * A job of this instance started: tell its watchers at once, from the snapshot taken at the
     * start, so that a job that finishes within one tick still shows its RUNNING status.
     */
    @org.springframework.context.event.EventListener
    void onStarted(JobStarted started) {
        if (!watched.containsKey(started.job().id())) {
            return;
        }
        ticker.execute(() -> {
            Watched state = watched.get(started.job().id());
            if (state != null && state.lastStatus == JobStatus.QUEUED) {
                state.lastStatus = JobStatus.RUNNING;
                broadcast(state, "status", JobResponse.from(started.job(), LiveProgress.latest(started.job(), null)));
            }
        });
    }

    /** Number of open streams, for tests and metrics. */
    int openStreams() {
        return watched.values().stream().mapToInt(w -> w.emitters.size()).sum();
    }

    private void tick() {
        for (Map.Entry<String, Watched> entry : watched.entrySet()) {
            String id = entry.getKey();
            Watched state = entry.getValue();
            try {
                if (state.emitters.isEmpty()) {
                    watched.remove(id, state);
                    continue;
                }
                update(id, state);
            } catch (JobNotFoundException e) {
                state.emitters.forEach(SseEmitter::complete);
                watched.remove(id, state);
            } catch (RuntimeException e) {
                log.warn("Could not update the event streams of job {}: {}", id, e.toString());
            }
        }
    }

    private void update(String id, Watched state) {
        TrainingJob job = jobs.get(id);
        JobResponse body = JobResponse.from(job, jobs.progress(job));
        long now = System.nanoTime();
        if (job.status() == JobStatus.RUNNING) {
            int iteration = body.progress().iteration();
            if (iteration != state.lastIteration || now - state.lastProgress >= PROGRESS_EVERY_NANOS) {
                broadcast(state, "progress", ProgressEvent.from(body));
                state.lastIteration = iteration;
                state.lastProgress = now;
            }
        }
        if (job.status().isTerminal() && job.claim().startedAt() != null && body.progress().iteration() != state.lastIteration) {
            // The last word on progress before the final status, even for a job faster than one tick.
            broadcast(state, "progress", ProgressEvent.from(body));
            state.lastIteration = body.progress().iteration();
        }
        if (job.status() != state.lastStatus) {
            state.lastStatus = job.status();
            broadcast(state, "status", body);
        }
        if (job.status().isTerminal()) {
            state.emitters.forEach(SseEmitter::complete);
            watched.remove(id, state);
        }
    }

    private void broadcast(Watched state, String event, Object data) {
        // Serialised once, however many watchers: a crowd of dashboards costs one JSON write per event.
        String text = json.writeValueAsString(data);
        for (SseEmitter emitter : List.copyOf(state.emitters)) {
            if (!send(emitter, event, text)) {
                state.emitters.remove(emitter);
            }
        }
    }

    private static boolean send(SseEmitter emitter, String event, String data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data));
            return true;
        } catch (IOException | IllegalStateException e) {
            // The watcher went away; that is normal for event streams.
            emitter.completeWithError(e);
            return false;
        }
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
        watched.values().forEach(w -> w.emitters.forEach(SseEmitter::complete));
    }

    /** The watchers of one job and what they have been told. */
    private static final class Watched {
        final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
        JobStatus lastStatus;
        int lastIteration = -1;
        long lastProgress;

        Watched(JobStatus status) {
            this.lastStatus = status;
        }
    }

    /** The data of a {@code progress} event. */
    record ProgressEvent(int iteration, int iterations, double fraction, Double iterationsPerSecond,
            Double etaSeconds, Double trainLoss, Double validationLoss, Double testLoss) {

        static ProgressEvent from(JobResponse job) {
            JobResponse.Progress p = job.progress();
            return new ProgressEvent(p.iteration(), p.iterations(), p.fraction(), p.iterationsPerSecond(),
                    p.etaSeconds(), job.trainLoss(), job.validationLoss(), job.testLoss());
        }
    }
}
