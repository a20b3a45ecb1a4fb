package io.trainyard.job;

/**
 * A job being trained by this instance: the flag that stops it and the progress it publishes.
 * Both fields are volatile, so the training thread never takes a lock to publish and readers
 * never block it.
 */
public final class RunningJob {

    private final String id;
    private final int iterations;
    private volatile boolean cancelRequested;
    private volatile LiveProgress progress;

    RunningJob(String id, int iterations) {
        this.id = id;
        this.iterations = iterations;
    }

    public String id() {
        return id;
    }

    public int iterations() {
        return iterations;
    }

    public void requestCancel() {
        cancelRequested = true;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public void publish(LiveProgress latest) {
        progress = latest;
    }

    /** The latest progress, or null before the first iteration. */
    public LiveProgress progress() {
        return progress;
    }
}
