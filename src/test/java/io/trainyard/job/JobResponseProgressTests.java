package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The ETA a job reports says when it will be done: from the current rate while it runs, 0 once it
 * SUCCEEDED, and nothing for a job that will never finish (a 0 there read "done now", audit item 7).
 */
class JobResponseProgressTests {

    /** 10 iterations. */
    private static final JobSpec SPEC = TestSpecs.small("eta");

    /** The job with {@code status}, stored at iteration 4 with a rate of 2 it/s. */
    private static JobResponse.Progress progress(JobStatus status) {
        TrainingJob queued = TrainingJob.queued("j", SPEC, null, List.of(1, 5, 1), Instant.EPOCH);
        TrainingJob job = new TrainingJob(
                queued.id(),
                queued.spec(),
                null,
                queued.layerSizes(),
                status,
                queued.createdAt(),
                queued.claim(),
                new TrainingJob.Progress(4, 2.0, 1.0, null, 2.0, 400, 0, 100),
                queued.outcome(),
                queued.findings());
        return JobResponse.from(job, LiveProgress.latest(job, null), List.of()).progress();
    }

    @Test
    void aRunningJobsEtaIsWhatIsLeftAtItsRate() {
        JobResponse.Progress running = progress(JobStatus.RUNNING);

        assertThat(running.iterationsPerSecond()).isEqualTo(2.0);
        assertThat(running.etaSeconds()).isCloseTo(3.0, within(1e-12));
    }

    @Test
    void aSucceededJobIsDoneNow() {
        JobResponse.Progress succeeded = progress(JobStatus.SUCCEEDED);

        assertThat(succeeded.fraction()).isEqualTo(1.0);
        assertThat(succeeded.etaSeconds()).isZero();
    }

    @Test
    void aJobThatEndedWithoutSucceedingHasNoEta() {
        assertThat(progress(JobStatus.CANCELLED).etaSeconds()).isNull();
        assertThat(progress(JobStatus.FAILED).etaSeconds()).isNull();
        assertThat(progress(JobStatus.CANCELLED).iteration())
                .as("where it stopped, still")
                .isEqualTo(4);
    }

    @Test
    void aQueuedJobHasNoEta() {
        assertThat(progress(JobStatus.QUEUED).etaSeconds()).isNull();
    }
}
