package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A worker that lets go removes its own attempt's entry only. After a thaw, the stale worker of
 * attempt 1 can finish after attempt 2 of the same job was claimed by another worker of this
 * instance: removing attempt 2's entry stopped its heartbeat, and the job was recovered again a
 * heartbeat-timeout later although its worker was training it.
 */
class RunningJobsTests {

    @Test
    void aStaleAttemptEndingLeavesTheNewerAttemptOfTheSameJobRunning() {
        RunningJobs running = new RunningJobs();
        RunningJob stale = running.start("j", 100, 3);
        RunningJob current = running.start("j", 100, 5);

        running.end("j", stale);

        assertThat(running.get("j")).isSameAs(current);
        assertThat(running.all()).containsExactly(current);

        running.end("j", current);

        assertThat(running.get("j")).isNull();
        assertThat(running.all()).isEmpty();
    }
}
