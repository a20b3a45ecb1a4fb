package io.trainyard.job;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** The jobs this instance is training right now. */
@Component
public class RunningJobs {

    private final Map<String, RunningJob> jobs = new ConcurrentHashMap<>();

    public RunningJob start(String id, String owner, int iterations, int token) {
        RunningJob job = new RunningJob(id, owner, iterations, token);
        jobs.put(id, job);
        return job;
    }

    /** {@link #start(String, String, int, int)} for a job whose owner does not matter to the caller. */
    public RunningJob start(String id, int iterations, int token) {
        return start(id, null, iterations, token);
    }

    /**
     * A run's live state that is not one of this instance's jobs: nobody can read, cancel or
     * renew it through this registry (the engine's warm-up trains with one).
     */
    public static RunningJob unlisted(String id, int iterations) {
        return new RunningJob(id, null, iterations, 0);
    }

    /**
     * Forgets {@code job}, the entry of one attempt, once its worker let go. Only that entry: after a
     * thaw, a newer attempt of the same job may already be trained here under a new claim, and removing
     * its entry would stop its heartbeat and get it recovered again a heartbeat-timeout later.
     */
    public void end(String id, RunningJob job) {
        jobs.remove(id, job);
    }

    /** The running job with this id, or null when this instance is not training it. */
    public RunningJob get(String id) {
        return jobs.get(id);
    }

    public Collection<RunningJob> all() {
        return jobs.values();
    }
}
