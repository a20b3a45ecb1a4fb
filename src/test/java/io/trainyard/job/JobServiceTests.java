package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.model.ModelService;
import io.trainyard.nn.Activation;
import io.trainyard.security.ActiveJobsQuota;
import io.trainyard.security.Owners;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.QueueFullException;
import io.trainyard.system.TrainyardProperties;

/** The service's decisions, with its collaborators mocked: no database, no web layer, no threads. */
class JobServiceTests {

    private static final JobSpec SPEC = TestSpecs.small("s");

    /** The configuration a service gets with nothing set: every default of the properties record. */
    private static final TrainyardProperties DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("trainyard", TrainyardProperties.class);

    private final JobRepository repository = mock(JobRepository.class);
    private final JobSpecResolver resolver = mock(JobSpecResolver.class);
    private final RunningJobs running = new RunningJobs();
    private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);
    private final AtomicLong nanos = new AtomicLong();
    private final AdmissionLock admission = mock(AdmissionLock.class);
    /** Transactions opened: each would take a pooled connection. */
    private final AtomicInteger transactions = new AtomicInteger();

    private JobService service;
    /** The service's own refusals: what the full-queue interceptor asks before a body is read. */
    private QueueRefusals refusals;

    @BeforeEach
    void setUp() {
        DatasetCatalog datasets = mock(DatasetCatalog.class);
        given(datasets.stillThere(any())).willReturn(true);
        ModelService models = mock(ModelService.class);
        given(models.stillThere(any())).willReturn(true);
        QueueGauge gauge = new QueueGauge(repository, DEFAULTS.limits().queueCountMaxAge(), nanos::get);
        refusals = new QueueRefusals(gauge, DEFAULTS);
        service = new JobService(
                repository,
                resolver,
                datasets,
                models,
                running,
                events,
                admission,
                mock(ActiveJobsQuota.class),
                gauge,
                refusals,
                new TransactionOperations() {
                    @Override
                    public <T> T execute(TransactionCallback<T> action) {
                        transactions.incrementAndGet();
                        return TransactionOperations.withoutTransaction().execute(action);
                    }
                },
                mock(Owners.class));
        // Each member of a sweep a spec of its own (another seed): members that resolve alike are refused.
        AtomicLong seeds = new AtomicLong();
        given(resolver.resolve(any(), any()))
                .willAnswer(call -> resolved(withSeed(SPEC, seeds.incrementAndGet()), 100));
    }

    @Test
    void aSubmittedJobIsStoredQueuedAndAnnounced() {
        given(repository.nextTurn("system")).willReturn(7L);

        TrainingJob job = service.submit(request());

        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.layerSizes()).containsExactly(5, 5, 1);
        verify(repository).insert(job, "system", 7L);
        verify(events).publishEvent(new JobQueued(1));
    }

    @Test
    void aFullQueueRefusesBeforeAnythingIsStored() {
        given(repository.countByStatus(JobStatus.QUEUED))
                .willReturn(DEFAULTS.limits().queueCapacity());

        assertThatThrownBy(() -> service.submit(request())).isInstanceOf(QueueFullException.class);
        verify(repository, never()).insert(any(), any(), anyLong());
        verify(events, never()).publishEvent(any());
    }

    @Test
    void aSweepRefusedByAFullQueueSaysHowManyJobsItWouldAdd() {
        // 5 of 10 alone reads as if there were room: the refusal names the members it counted.
        int capacity = DEFAULTS.limits().queueCapacity();
        given(repository.countByStatus(JobStatus.QUEUED)).willReturn(capacity - 2);

        assertThatThrownBy(() -> service.submitAll(List.of(request(), request(), request()), null, "sweep"))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds " + (capacity - 2) + " jobs of the " + capacity + " it takes")
                .hasMessageContaining("this sweep's 3 members would make " + (capacity + 1));
        verify(repository, never()).insert(any(), any(), anyLong());
    }

    @Test
    void aSubmitCountsTheQueueOnceForItsEarlyCheckAndOnceMoreUnderTheAdmissionLock() {
        service.submit(request());

        verify(repository, times(2)).countByStatus(JobStatus.QUEUED);
    }

    @Test
    void anEarlyRefusalCountsNothingWithoutARecentCount() {
        refusals.refuseEarly();

        verify(repository, never()).countByStatus(any());
    }

    @Test
    void aRecentCountOfAFullQueueRefusesTheNextSubmitsWithoutCountingAgain() {
        given(repository.countByStatus(JobStatus.QUEUED))
                .willReturn(DEFAULTS.limits().queueCapacity());
        assertThatThrownBy(() -> service.submit(request())).isInstanceOf(QueueFullException.class);

        nanos.addAndGet(DEFAULTS.limits().queueCountMaxAge().toNanos());
        assertThatThrownBy(() -> refusals.refuseEarly())
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds 1000 jobs and takes at most 1000");
        assertThatThrownBy(() -> service.submit(request())).isInstanceOf(QueueFullException.class);
        verify(repository, times(1)).countByStatus(JobStatus.QUEUED);
        verify(resolver, times(2)).resolve(any(), any());
    }

    @Test
    void aRecentCountWithRoomLeftRefusesNothing() {
        service.submit(request());

        refusals.refuseEarly();
        verify(repository, times(2)).countByStatus(JobStatus.QUEUED);
    }

    @Test
    void whileASubmitHoldsTheLastFreePlaceTheOthersAreRefusedAtOnce() {
        // One place is free; a second submit arrives while the first waits for the admission lock. It
        // must neither open a transaction (a pooled connection) nor wait for the lock, only to be
        // refused behind the first.
        int capacity = DEFAULTS.limits().queueCapacity();
        given(repository.countByStatus(JobStatus.QUEUED)).willReturn(capacity - 1);
        AtomicReference<Throwable> second = new AtomicReference<>();
        willAnswer(invocation -> {
                    if (second.get() == null) {
                        second.set(catchThrowable(() -> service.submit(request())));
                    }
                    return null;
                })
                .given(admission)
                .holdUntilTransactionEnds();

        TrainingJob first = service.submit(request());

        assertThat(first.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(second.get())
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds " + (capacity - 1) + " jobs (and 1 more are being queued)");
        assertThat(transactions).hasValue(1);
        verify(admission, times(1)).holdUntilTransactionEnds();
        verify(repository, times(1)).insert(any(), any(), anyLong());
    }

    @Test
    void aPlaceHeldByASubmitRefusesTheNextOnesBeforeTheirBodiesAreRead() {
        int capacity = DEFAULTS.limits().queueCapacity();
        given(repository.countByStatus(JobStatus.QUEUED)).willReturn(capacity - 1);
        AtomicReference<Throwable> early = new AtomicReference<>();
        willAnswer(invocation -> {
                    early.set(catchThrowable(() -> refusals.refuseEarly()));
                    return null;
                })
                .given(admission)
                .holdUntilTransactionEnds();

        service.submit(request());

        assertThat(early.get()).isInstanceOf(QueueFullException.class);
        // Once it has joined the queue, the count says full on its own.
        assertThatThrownBy(() -> refusals.refuseEarly())
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds " + capacity + " jobs and takes");
    }

    @Test
    void aSubmitThatFailsGivesItsPlaceBack() {
        int capacity = DEFAULTS.limits().queueCapacity();
        given(repository.countByStatus(JobStatus.QUEUED)).willReturn(capacity - 1);
        willThrow(new IllegalStateException("disk full"))
                .willDoNothing()
                .given(repository)
                .insert(any(), any(), anyLong());

        assertThatThrownBy(() -> service.submit(request())).hasMessage("disk full");
        nanos.addAndGet(DEFAULTS.limits().queueCountMaxAge().toNanos() + 1); // the rolled-back join is forgotten

        assertThat(service.submit(request()).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void validationHappensBeforeATransactionIsOpened() {
        given(resolver.resolve(any(), any())).willThrow(new InvalidRequestException("alpha", "must be positive"));

        assertThatThrownBy(() -> service.submit(request())).isInstanceOf(InvalidRequestException.class);
        assertThat(transactions).hasValue(0);
        verify(repository, never()).countByStatus(any());
    }

    @Test
    void aSubmitIsAcceptedOnlyOnACountMadeUnderTheAdmissionLock() {
        // The early count sees room for one; a concurrent submit takes it before the lock is held.
        given(repository.countByStatus(JobStatus.QUEUED))
                .willReturn(DEFAULTS.limits().queueCapacity() - 1)
                .willReturn(DEFAULTS.limits().queueCapacity());

        assertThatThrownBy(() -> service.submit(request())).isInstanceOf(QueueFullException.class);
        verify(repository, never()).insert(any(), any(), anyLong());
    }

    @Test
    void aSubmitAfterOneThatTookTheLastPlaceIsRefusedWithoutCountingAgain() {
        int capacity = DEFAULTS.limits().queueCapacity();
        given(repository.countByStatus(JobStatus.QUEUED)).willReturn(capacity - 1);
        service.submit(request()); // takes the last place: the count now says capacity

        assertThatThrownBy(() -> service.submit(request()))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds " + capacity + " jobs");
        verify(repository, times(2)).countByStatus(JobStatus.QUEUED);
        verify(repository, times(1)).insert(any(), any(), anyLong());
    }

    @Test
    void aSweepWithOneBadMemberQueuesNothingAndNamesTheMember() {
        given(resolver.resolve(any(), any()))
                .willReturn(resolved(SPEC, 100))
                .willThrow(new InvalidRequestException(List.of(new FieldError("alpha", "must be > 0"))));

        assertThatThrownBy(() -> service.submitAll(List.of(request(), request()), null, "sweep"))
                .isInstanceOfSatisfying(InvalidMembersException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).index()).isEqualTo(1);
                    assertThat(e.errors().get(0).error().field()).isEqualTo("alpha");
                });
        verify(repository, never()).insert(any(), any(), anyLong());
    }

    @Test
    void cancellingARunningJobStopsThisInstancesWorkerToo() {
        TrainingJob queued = TrainingJob.queued("j1", SPEC, null, List.of(5, 5, 1), Instant.now());
        TrainingJob runningJob = new TrainingJob(
                "j1",
                SPEC,
                null,
                List.of(5, 5, 1),
                JobStatus.RUNNING,
                queued.createdAt(),
                queued.claim(),
                queued.progress(),
                queued.outcome(),
                queued.findings());
        given(repository.find("j1", null)).willReturn(Optional.of(runningJob));
        given(repository.requestCancel("j1")).willReturn(true);
        RunningJob live = running.start("j1", 10, 1);

        service.cancel("j1");

        assertThat(live.cancelRequested()).isTrue();
        verify(repository).requestCancel("j1");
    }

    @Test
    void aCancelThatMeetsARequeueCancelsTheQueuedJobInstead() {
        TrainingJob queued = TrainingJob.queued("j1", SPEC, null, List.of(5, 5, 1), Instant.now());
        TrainingJob runningJob = new TrainingJob(
                "j1",
                SPEC,
                null,
                List.of(5, 5, 1),
                JobStatus.RUNNING,
                queued.createdAt(),
                queued.claim(),
                queued.progress(),
                queued.outcome(),
                queued.findings());
        // Read as RUNNING, re-queued by a recovery before the cancel flag could be set.
        given(repository.find("j1", null)).willReturn(Optional.of(runningJob), Optional.of(queued));
        given(repository.requestCancel("j1")).willReturn(false);
        given(repository.cancelQueued(eq("j1"), any())).willReturn(true);

        service.cancel("j1");

        verify(repository).cancelQueued(eq("j1"), any());
    }

    @Test
    void aCancelThatArrivesAfterTheOutcomeIsRefusedAndSaysWhatHappened() {
        TrainingJob queued = TrainingJob.queued("j1", SPEC, null, List.of(5, 5, 1), Instant.now());
        TrainingJob runningJob = new TrainingJob(
                "j1",
                SPEC,
                null,
                List.of(5, 5, 1),
                JobStatus.RUNNING,
                queued.createdAt(),
                queued.claim(),
                queued.progress(),
                queued.outcome(),
                queued.findings());
        TrainingJob succeeded = new TrainingJob(
                "j1",
                SPEC,
                null,
                List.of(5, 5, 1),
                JobStatus.SUCCEEDED,
                queued.createdAt(),
                queued.claim(),
                queued.progress(),
                queued.outcome(),
                queued.findings());
        given(repository.find("j1", null)).willReturn(Optional.of(runningJob), Optional.of(succeeded));
        given(repository.requestCancel("j1")).willReturn(false);

        assertThatThrownBy(() -> service.cancel("j1"))
                .isInstanceOf(IllegalJobTransitionException.class)
                .hasMessageContaining("already SUCCEEDED");
    }

    @Test
    void aRunningJobCannotBeDeleted() {
        TrainingJob queued = TrainingJob.queued("j1", SPEC, null, List.of(5, 5, 1), Instant.now());
        given(repository.find("j1", null)).willReturn(Optional.of(queued));

        assertThatThrownBy(() -> service.delete("j1"))
                .isInstanceOf(IllegalJobTransitionException.class)
                .hasMessageContaining("cancel it first");
        verify(repository, never()).deleteFinished(any());
    }

    @Test
    void sweepMembersThatResolveAlikeAreRefusedNamingEachRepeatAndTheMemberItRepeats() {
        // As "relu" and "RELU", or adam with and without its default beta1, resolve: one spec, two requests.
        JobSpec relu = spec("a", Activation.RELU, 7L, null, OptimizerOption.of(io.trainyard.nn.Optimizer.gd()), null);
        JobSpec sigmoid =
                spec("b", Activation.SIGMOID, 7L, null, OptimizerOption.of(io.trainyard.nn.Optimizer.gd()), null);
        JobSpec reluAgain = spec(
                "c (another name)",
                Activation.RELU,
                7L,
                null,
                OptimizerOption.of(io.trainyard.nn.Optimizer.gd()),
                null);
        given(resolver.resolve(any(), any()))
                .willReturn(resolved(relu, 100), resolved(sigmoid, 100), resolved(reluAgain, 100));

        assertThatThrownBy(() -> service.submitAll(List.of(request(), request(), request()), null, "sweep"))
                .isInstanceOfSatisfying(
                        IdenticalMembersException.class,
                        e -> assertThat(e.repeats()).singleElement().satisfies(repeat -> {
                            assertThat(repeat.index()).isEqualTo(2);
                            assertThat(repeat.sameAs()).isZero();
                            assertThat(repeat.spec()).isEqualTo(reluAgain);
                            assertThat(repeat.sameAsSpec()).isEqualTo(relu);
                        }));
        verify(repository, never()).insert(any(), any(), anyLong());
        given(resolver.resolve(any(), any()))
                .willReturn(resolved(relu, 100), resolved(sigmoid, 100), resolved(reluAgain, 100));
        assertThatThrownBy(() -> service.dryRunAll(List.of(request(), request(), request()), null))
                .as("a dry run refuses what the submission would")
                .isInstanceOf(IdenticalMembersException.class);
    }

    @Test
    void aBatchOfAtLeastTheTrainingRowsRepeatsTheFullBatchButASmallerOneDoesNot() {
        given(resolver.resolve(any(), any()))
                .willReturn(resolved(withBatch(SPEC, null), 100), resolved(withBatch(SPEC, 100), 100));
        assertThatThrownBy(() -> service.dryRunAll(List.of(request(), request()), null))
                .isInstanceOfSatisfying(
                        IdenticalMembersException.class,
                        e -> assertThat(e.repeats()).singleElement().satisfies(repeat -> {
                            assertThat(repeat.index()).isEqualTo(1);
                            assertThat(repeat.trainingRows()).isEqualTo(100);
                        }));

        given(resolver.resolve(any(), any()))
                .willReturn(resolved(withBatch(SPEC, null), 100), resolved(withBatch(SPEC, 99), 100));
        assertThat(service.dryRunAll(List.of(request(), request()), null))
                .as("99 of 100 rows is a mini-batch, another job than the full batch")
                .hasSize(2);
    }

    @Test
    void cancellingASweepCancelsItsQueuedMembersInOneTransactionThenStopsItsRunningOnes() {
        RunningJob live = running.start("r1", 1000, 1);
        given(repository.cancelSweep(eq("sweep"), any()))
                .willReturn(new JobRepository.CancelledMembers(List.of("q1", "q2"), List.of("r1", "r2")));

        JobService.SweepCancellation done = service.cancelSweep("sweep");

        assertThat(done).isEqualTo(new JobService.SweepCancellation(2, 2));
        assertThat(transactions).hasValue(1);
        // Not one by one: a worker freed by a running member's stop could claim the next queued one first.
        verify(repository, never()).cancelQueued(any(), any());
        verify(repository, never()).requestCancel(any());
        assertThat(live.cancelRequested())
                .as("this instance's worker is told at once")
                .isTrue();
        for (String id : List.of("q1", "q2")) {
            verify(events).publishEvent(new JobFinished(id));
            verify(events).publishEvent(new JobCancelledWhileQueued(id));
        }
        verify(events, never()).publishEvent(new JobFinished("r1"));
    }

    @Test
    void aJobWhoseWarmStartModelWasDeletedSinceItsCheckIsRefusedUnderTheAdmissionLock() {
        ModelService models = mock(ModelService.class);
        given(models.stillThere("m1")).willReturn(false);
        DatasetCatalog datasets = mock(DatasetCatalog.class);
        given(datasets.stillThere(any())).willReturn(true);
        QueueGauge gauge = new QueueGauge(repository, DEFAULTS.limits().queueCountMaxAge(), nanos::get);
        JobService checked = new JobService(
                repository,
                resolver,
                datasets,
                models,
                running,
                events,
                admission,
                mock(ActiveJobsQuota.class),
                gauge,
                new QueueRefusals(gauge, DEFAULTS),
                TransactionOperations.withoutTransaction(),
                mock(Owners.class));
        given(resolver.resolve(any(), any())).willReturn(resolved(withWarmStart(SPEC, "m1"), 100));

        assertThatThrownBy(() -> checked.submit(request()))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors()).singleElement().satisfies(error -> {
                            assertThat(error.field()).isEqualTo("warmStartModel");
                            assertThat(error.message()).contains("unknown model 'm1'");
                        }));
        assertThatThrownBy(() -> checked.submitAll(List.of(request()), null, "sweep"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("base.warmStartModel"));
        verify(admission, times(2)).holdUntilTransactionEnds();
        verify(repository, never()).insert(any(), any(), anyLong());
    }

    private static JobSpecResolver.Resolved resolved(JobSpec spec, int trainingRows) {
        return new JobSpecResolver.Resolved(spec, List.of(5, 5, 1), null, 36, 1000, trainingRows, 0, 0);
    }

    /** {@link #SPEC}, {@code TestSpecs.small("s")}, with another seed. */
    private static JobSpec withSeed(JobSpec s, long seed) {
        return spec(s.name(), s.activation(), seed, s.warmStartModel(), s.optimizer(), s.batchSize());
    }

    private static JobSpec withBatch(JobSpec s, Integer batchSize) {
        return spec(s.name(), s.activation(), s.seed(), s.warmStartModel(), s.optimizer(), batchSize);
    }

    private static JobSpec withWarmStart(JobSpec s, String model) {
        return spec(s.name(), s.activation(), s.seed(), model, s.optimizer(), s.batchSize());
    }

    /** {@code TestSpecs.small(name)} with the fields these tests vary. */
    private static JobSpec spec(
            String name,
            Activation activation,
            long seed,
            String warmStartModel,
            OptimizerOption optimizer,
            Integer batchSize) {
        JobSpec small = TestSpecs.small(name);
        return new JobSpec(
                name,
                small.dataset(),
                small.layers(),
                activation,
                small.bias(),
                small.scale(),
                small.alpha(),
                small.iterations(),
                seed,
                small.normalize(),
                small.basisDegree(),
                small.validationFraction(),
                warmStartModel,
                optimizer,
                batchSize,
                small.earlyStopping());
    }

    private static CreateJobRequest request() {
        return new CreateJobRequest(
                "s",
                "hw5",
                null,
                List.of(5),
                null,
                null,
                null,
                0.001,
                10,
                7L,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
