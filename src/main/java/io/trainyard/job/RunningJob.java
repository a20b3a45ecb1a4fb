package io.trainyard.job;

/**
 * A job being trained by this instance: its claim's fencing token, the flags that stop it and the
 * progress it publishes. The mutable fields are volatile, so the training thread never takes a lock to publish and readers
 * never block it.
 */
public final class RunningJob {

    private final String id;
    /** Whose job it is, for the log's progress lines; null for a run that is no one's (the engine's warm-up). */
    private final String owner;

    private final int iterations;
    private final int token;
    private volatile boolean cancelRequested;
    private volatile boolean claimLost;
    private volatile boolean concluding;
    private volatile long renewedAtNanos = System.nanoTime();
    private volatile LiveProgress progress;

    RunningJob(String id, String owner, int iterations, int token) {
        this.id = id;
        this.owner = owner;
        this.iterations = iterations;
        this.token = token;
    }

    /** The fencing token of the claim this instance holds on the job. */
    public int token() {
        return token;
    }

    /** The claim was found stale (the job was recovered, handed back or finished elsewhere): stop and write nothing. */
    public void loseClaim() {
        claimLost = true;
    }

    public boolean claimLost() {
        return claimLost;
    }

    /** Training is over and the outcome is being written (which ends the claim in the database). */
    public void concluding() {
        concluding = true;
    }

    public boolean isConcluding() {
        return concluding;
    }

    /** The claim was renewed in the database just now. */
    public void renewed() {
        renewedAtNanos = System.nanoTime();
    }

    /** Time since the claim was last renewed, on this JVM's monotonic clock. */
    public long nanosSinceRenewal() {
        return System.nanoTime() - renewedAtNanos;
    }

    public String id() {
        return id;
    }

    /** The job's owner; null for a run that is no one's (the engine's warm-up). */
    public String owner() {
        return owner;
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
