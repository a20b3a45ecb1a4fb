package io.trainyard.job;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** The jobs this instance is training right now. */
@Component
public class RunningJobs {

    private final Map<String, RunningJob> jobs = new ConcurrentHashMap<>();

    public RunningJob start(String id, int iterations, int token) {
        RunningJob job = new RunningJob(id, iterations, token);
        jobs.put(id, job);
        return job;
    }

    /**
     * A run's live state that is not one of this instance's jobs: nobody can read, cancel or
     * renew it through this registry (the engine's warm-up trains with one).
     */
    public static RunningJob unlisted(String id, int iterations) {
        return new RunningJob(id, iterations, 0);
    }

    public void end(String id) {
        jobs.remove(id);
    }

    /** The running job with this id, or null when this instance is not training it. */
    public RunningJob get(String id) {
        return jobs.get(id);
    }

    public Collection<RunningJob> all() {
        return jobs.values();
    }
}
