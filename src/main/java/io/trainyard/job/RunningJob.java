package io.trainyard.job;

/**
 * A job being trained by this instance: the flag that stops it and the progress it publishes.
 * Both fields are volatile, so the training thread never takes a lock to publish and readers
 * never block it.
 */
final class RunningJob {

    private final String id;
    private final int iterations;
    private volatile boolean cancelRequested;
    private volatile LiveProgress progress;

    RunningJob(String id, int iterations) {
        this.id = id;
        this.iterations = iterations;
    }

    String id() {
        return id;
    }

    int iterations() {
        return iterations;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void publish(LiveProgress latest) {
        progress = latest;
    }

    /** The latest progress, or null before the first iteration. */
    LiveProgress progress() {
        return progress;
    }
}
