package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** When an earlier count of the queue may still answer, and when the queue must be counted again. */
class QueueGaugeTests {

    private static final Duration MAX_AGE = Duration.ofMillis(100);

    private final JobRepository jobs = mock(JobRepository.class);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final QueueGauge gauge = new QueueGauge(jobs, MAX_AGE, nanos::get);

    @Test
    void nothingIsKnownBeforeTheFirstCount() {
        assertThat(gauge.lastFresh()).isEmpty();
    }

    @Test
    void aCountAnswersForItsFreshnessAndNoLonger() {
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
    void aJobStartedHereOrCancelledWhileQueuedMakesTheCountStale() {
        given(jobs.countByStatus(JobStatus.QUEUED)).willReturn(5);
        gauge.count();
        gauge.started(new JobStarted(null));
        assertThat(gauge.lastFresh()).isEmpty();

        gauge.count();
        gauge.cancelledWhileQueued(new JobCancelledWhileQueued("j"));
        assertThat(gauge.lastFresh()).isEmpty();
    }

    @Test
    void aCountDuringWhichAJobLeftTheQueueIsStaleAtOnce() {
        // The claim commits while the count runs: the count may or may not include it.
        given(jobs.countByStatus(JobStatus.QUEUED)).willAnswer(invocation -> {
            gauge.started(new JobStarted(null));
            return 4;
        });

        assertThat(gauge.count()).isEqualTo(4);
        assertThat(gauge.lastFresh()).isEmpty();
    }
}
