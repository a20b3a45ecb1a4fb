package io.trainyard.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a training job, and the one table of moves it may make. {@link JobStatusGate} is the
 * only code that changes a status in the database, and it asks {@link #canMoveTo} first.
 */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            // RUNNING -> QUEUED: the instance stopped (or crashed) mid-training; the job is retrained.
            // RUNNING -> FAILED also covers "interrupted too often".
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
            SUCCEEDED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class));

    public boolean canMoveTo(JobStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** SUCCEEDED, FAILED or CANCELLED: nothing will happen to the job any more. */
    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }
}
