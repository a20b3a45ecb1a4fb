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
