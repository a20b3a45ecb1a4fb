package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.trainyard.job.JobQueued;
import io.trainyard.job.JobRepository;
import io.trainyard.job.RunningJobs;
import io.trainyard.job.TrainingJob;
import io.trainyard.system.DatabaseDiskSpace;
import io.trainyard.system.TrainyardProperties;

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

    @Test
    void aJobWithItsEstimateStoredIsReservedFromTheQueueAndReadOnceAfterItsClaim() {
        when(disk.hasRoom()).thenReturn(true);
        when(claims.queued(anyInt())).thenReturn(List.of(new JobClaims.Queued("a", 0, false, 12_345L)));
        when(claims.claim(any(), anyString())).thenReturn(OptionalInt.of(1));
        JobRepository repository = mock(JobRepository.class);
        when(repository.find("a")).thenReturn(Optional.of(job("a")));
        MemoryBudget budget = mock(MemoryBudget.class);
        when(budget.tryReserve("a", 12_345L)).thenReturn(true);

        assertThat(pool(repository, budget, mock(JobRunner.class)).claimNext())
                .hasValueSatisfying(claimed -> assertThat(claimed.token()).isEqualTo(1));
        verify(repository, org.mockito.Mockito.times(1)).find("a");
        verify(budget, never()).estimate(any());
    }

    @Test
    void aJobStoredBeforeEstimatesWereKeptIsReadToEstimateIt() {
        when(disk.hasRoom()).thenReturn(true);
        when(claims.queued(anyInt())).thenReturn(List.of(new JobClaims.Queued("a", 0, false, null)));
        when(claims.claim(any(), anyString())).thenReturn(OptionalInt.of(1));
        JobRepository repository = mock(JobRepository.class);
        TrainingJob stored = job("a");
        when(repository.find("a")).thenReturn(Optional.of(stored));
        MemoryBudget budget = mock(MemoryBudget.class);
        when(budget.estimate(stored)).thenReturn(777L);
        when(budget.tryReserve("a", 777L)).thenReturn(true);

        assertThat(pool(repository, budget, mock(JobRunner.class)).claimNext()).isPresent();
        verify(budget).tryReserve("a", 777L);
    }

    /** A pool of two workers polling once an hour, whose queue is {@code looks} answered in turn. */
    private TrainingWorkers pool(JobRepository repository, MemoryBudget budget, JobRunner runner) {
        java.util.Map<String, String> settings =
                java.util.Map.of("trainyard.workers", "2", "trainyard.poll-interval", "1h");
        TrainyardProperties properties = new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(settings))
                .bindOrCreate("trainyard", TrainyardProperties.class);
        return new TrainingWorkers(
                repository,
                claims,
                runner,
                mock(JobRecovery.class),
                budget,
                properties,
                mock(DataSource.class),
                running,
                disk);
    }

    /** Counts the looks at the queue and answers each with the next list, then with an empty queue. */
    private AtomicInteger answerLooks(List<List<JobClaims.Queued>> answers) {
        AtomicInteger looks = new AtomicInteger();
        when(disk.hasRoom()).thenReturn(true);
        when(claims.queued(anyInt())).thenAnswer(call -> {
            int look = looks.getAndIncrement();
            return look < answers.size() ? answers.get(look) : List.of();
        });
        return looks;
    }

    private static TrainingJob job(String id) {
        return TrainingJob.queued(id, null, null, List.of(5, 20, 1), Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aQueuedJobWakesOneIdleWorkerNotEvery() {
        AtomicInteger looks = answerLooks(List.of());
        TrainingWorkers workers = pool(mock(JobRepository.class), mock(MemoryBudget.class), mock(JobRunner.class));
        workers.start();
        try {
            await().until(() -> looks.get() == 2 && workers.idleWorkers() == 2);

            workers.onQueued(new JobQueued(1));

            await().until(() -> looks.get() == 3 && workers.idleWorkers() == 2);
            assertThat(looks).as("one look for one job").hasValue(3);
            assertThat(workers.owedLooks()).isZero();
        } finally {
            workers.stop();
        }
    }

    @Test
    void aWorkerWhoseJobEndedLooksOnceMoreAndTheIdleOneSleepsOn() {
        AtomicInteger looks =
                answerLooks(List.of(List.of(), List.of(), List.of(new JobClaims.Queued("a", 1, false, null))));
        JobRepository repository = mock(JobRepository.class);
        when(repository.find("a")).thenReturn(Optional.of(job("a")));
        MemoryBudget budget = mock(MemoryBudget.class);
        when(budget.tryReserve(anyString(), anyLong())).thenReturn(true);
        when(claims.claim(any(), anyString())).thenReturn(OptionalInt.of(2));
        JobRunner runner = mock(JobRunner.class);
        TrainingWorkers workers = pool(repository, budget, runner);
        workers.start();
        try {
            await().until(() -> looks.get() == 2 && workers.idleWorkers() == 2);

            workers.onQueued(new JobQueued(1));

            await().until(() -> looks.get() == 4 && workers.idleWorkers() == 2);
            verify(runner).run(any(), anyString(), eq(2), any());
            assertThat(looks).as("one look to claim it, one after it ended").hasValue(4);
        } finally {
            workers.stop();
        }
    }

    @Test
    void aWorkerThatFindsMoreThanItTakesWakesAnother() {
        JobClaims.Queued a = new JobClaims.Queued("a", 1, false, null);
        JobClaims.Queued b = new JobClaims.Queued("b", 1, false, null);
        answerLooks(List.of(List.of(), List.of(), List.of(a, b), List.of(b)));
        JobRepository repository = mock(JobRepository.class);
        when(repository.find("a")).thenReturn(Optional.of(job("a")));
        when(repository.find("b")).thenReturn(Optional.of(job("b")));
        MemoryBudget budget = mock(MemoryBudget.class);
        when(budget.tryReserve(anyString(), anyLong())).thenReturn(true);
        when(claims.claim(any(), anyString())).thenReturn(OptionalInt.of(2));
        java.util.concurrent.CountDownLatch bothRunning = new java.util.concurrent.CountDownLatch(2);
        JobRunner runner = mock(JobRunner.class);
        org.mockito.Mockito.doAnswer(call -> {
                    bothRunning.countDown();
                    bothRunning.await();
                    return null;
                })
                .when(runner)
                .run(any(), anyString(), anyInt(), any());
        TrainingWorkers workers = pool(repository, budget, runner);
        workers.start();
        try {
            await().until(() -> workers.idleWorkers() == 2);

            // One job announced, two found: the worker that looked claims one and wakes the other for
            // the second (it would otherwise wait for its hourly poll, and the latch never open).
            workers.onQueued(new JobQueued(1));

            await().until(() -> bothRunning.getCount() == 0);
            verify(repository, org.mockito.Mockito.atLeastOnce()).find("b");
        } finally {
            workers.stop();
        }
    }
}
