package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.trainyard.job.JobRepository;
import io.trainyard.job.RunningJobs;
import io.trainyard.system.DatabaseDiskSpace;

/**
 * A stop whose workers' time runs out hands their jobs back (not counted), rather than leaving them
 * RUNNING for the next start to recover as lost (counted against max-attempts): the stop is the
 * instance's doing, not the job's. And a disk below its minimum leaves the queue alone.
 */
class TrainingWorkersTests {

    private final JobClaims claims = mock(JobClaims.class);
    private final RunningJobs running = new RunningJobs();
    private final DatabaseDiskSpace disk = mock(DatabaseDiskSpace.class);
    private final TrainingWorkers workers = new TrainingWorkers(
            mock(JobRepository.class),
            claims,
            mock(JobRunner.class),
            mock(JobRecovery.class),
            mock(MemoryBudget.class),
            MemoryBudgetTests.properties(null),
            mock(DataSource.class),
            running,
            disk);

    @Test
    void aJobStillRunningWhenTheWorkersTimeIsUpIsHandedBackUnderItsOwnClaim() {
        running.start("late", 1_000, 7);
        when(claims.handBack(eq("late"), anyString(), eq(7))).thenReturn(true);

        workers.stop();

        verify(claims).handBack("late", workers.instance(), 7);
    }

    @Test
    void jobsThatEndedBeforeTheStopAreNotTouched() {
        running.start("done", 1_000, 3);
        running.end("done", running.get("done"));

        workers.stop();

        verify(claims, never()).handBack(anyString(), anyString(), anyInt());
    }

    @Test
    void aHandBackTheDatabaseRefusesDoesNotStopTheOthers() {
        running.start("first", 10, 1);
        running.start("second", 10, 2);
        when(claims.handBack(eq("first"), anyString(), eq(1))).thenThrow(new IllegalStateException("database gone"));
        when(claims.handBack(eq("second"), anyString(), eq(2))).thenReturn(true);

        workers.stop();

        verify(claims).handBack("second", workers.instance(), 2);
        assertThat(workers.isRunning()).isFalse();
    }

    @Test
    void aDiskBelowItsMinimumLeavesQueuedJobsQueued() {
        when(disk.hasRoom()).thenReturn(false);

        assertThat(workers.claimNext()).isEmpty();
        verify(claims, never()).queued(anyInt());
    }

    @Test
    void withRoomTheQueueIsLookedAt() {
        when(disk.hasRoom()).thenReturn(true);
        when(claims.queued(anyInt())).thenReturn(java.util.List.of());

        assertThat(workers.claimNext()).isEmpty();
        verify(claims).queued(anyInt());
    }
}
