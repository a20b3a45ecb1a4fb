package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** When an earlier count of the queue may still answer, and that it never says more than are queued. */
class QueueGaugeTests {

    private static final Duration MAX_AGE = Duration.ofMillis(100);

    private final JobRepository jobs = mock(JobRepository.class);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final QueueGauge gauge = new QueueGauge(jobs, MAX_AGE, nanos::get);

    @AfterEach
    void endSynchronization() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void nothingIsKnownBeforeTheFirstCount() {
        assertThat(gauge.lastFresh()).isEmpty();
    }

    @Test
    void aCountAnswersForItsMaxAgeAndNoLonger() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(7, 3);
        assertThat(gauge.count()).isEqualTo(7);

        nanos.addAndGet(MAX_AGE.toNanos());
        assertThat(gauge.lastFresh()).hasValue(7);
        assertThat(gauge.recent()).isEqualTo(7);

        nanos.incrementAndGet();
        assertThat(gauge.lastFresh()).isEmpty();
        assertThat(gauge.recent()).isEqualTo(3);
        verify(jobs, times(2)).countByStatus(JobStatus.QUEUED);
    }

    @Test
    void jobsThatStartHereOrAreCancelledWhileQueuedAreTakenOffTheCount() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(5);
        gauge.count();

        gauge.started(new JobStarted(null));
        gauge.cancelledWhileQueued(new JobCancelledWhileQueued("j"));

        assertThat(gauge.lastFresh()).hasValue(3);
    }

    @Test
    void aJobThatLeavesWhileTheCountRunsIsTakenOffEvenIfTheCountAlreadyMissedIt() {
        // The claim commits while the count runs: the count may or may not include it, so it is taken
        // off in any case. Saying one too few only means the next submit counts for itself.
        given(jobs.countByStatus(JobStatus.QUEUED)).willAnswer(invocation -> {
            gauge.started(new JobStarted(null));
            return 4;
        });

        assertThat(gauge.count()).isEqualTo(4);
        assertThat(gauge.lastFresh()).hasValue(3);
    }

    @Test
    void theCountNeverGoesBelowZero() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(1);
        gauge.count();
        gauge.started(new JobStarted(null));
        gauge.started(new JobStarted(null));

        assertThat(gauge.lastFresh()).hasValue(0);
    }

    @Test
    void jobsQueuedHereAreAddedAndForgottenWhenTheirTransactionRollsBack() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(2);
        gauge.count();
        gauge.joined(3);
        assertThat(gauge.lastFresh()).hasValue(5);

        TransactionSynchronizationManager.initSynchronization();
        gauge.joined(1);
        assertThat(gauge.lastFresh()).hasValue(6);
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            synchronization.afterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK);
        }
        assertThat(gauge.lastFresh()).isEmpty();
    }

    @Test
    void aCommittedJoinIsKept() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(2);
        gauge.count();
        TransactionSynchronizationManager.initSynchronization();
        gauge.joined(1);
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            synchronization.afterCompletion(TransactionSynchronization.STATUS_COMMITTED);
        }
        assertThat(gauge.lastFresh()).hasValue(3);
    }

    @Test
    void placesHeldBySubmitsCountUntilGivenBackOnce() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(7);
        QueueGauge.Refusal refusal = (queued, held) -> new IllegalStateException(queued + " queued, " + held + " held");

        QueueGauge.Reservation first = gauge.reserve(2, 10, refusal);
        assertThat(gauge.pending()).isEqualTo(2);
        assertThatThrownBy(() -> gauge.reserve(2, 10, refusal)).hasMessage("7 queued, 2 held");
        QueueGauge.Reservation last = gauge.reserve(1, 10, refusal);

        first.close();
        first.close(); // once only: the other's place stays held
        assertThat(gauge.pending()).isEqualTo(1);
        last.close();
        assertThat(gauge.pending()).isZero();
        verify(jobs, times(1)).countByStatus(JobStatus.QUEUED); // all three on one fresh count
    }

    @Test
    void aReservationOnAStaleCountCountsAgain() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(10, 9);
        QueueGauge.Refusal refusal = (queued, held) -> new IllegalStateException("full");
        assertThatThrownBy(() -> gauge.reserve(1, 10, refusal)).hasMessage("full");

        nanos.addAndGet(MAX_AGE.toNanos() + 1);

        assertThat(gauge.reserve(1, 10, refusal)).isNotNull();
        assertThat(gauge.pending()).isEqualTo(1);
    }
}
