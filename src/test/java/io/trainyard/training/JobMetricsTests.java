package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.job.JobAttempt;

/** The attempt and re-queue counters, as a scraper sees them in the registry. */
class JobMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JobMetrics metrics = new JobMetrics(registry);

    private double attempts(String outcome) {
        return registry.get("trainyard.job.attempts.ended")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    private double requeued(String reason) {
        return registry.get("trainyard.jobs.requeued")
                .tag("reason", reason)
                .counter()
                .count();
    }

    @Test
    void everyOutcomeAndReasonIsThereAtZeroBeforeAnythingHappened() {
        // An alert on a rise of lost attempts needs the series before the first one.
        for (String outcome : new String[] {"succeeded", "failed", "cancelled", "handed-back", "lost"}) {
            assertThat(attempts(outcome)).as(outcome).isZero();
        }
        for (String reason : new String[] {"handed-back", "lease-lapsed", "recovered"}) {
            assertThat(requeued(reason)).as(reason).isZero();
        }
    }

    @Test
    void eachIsCountedUnderItsOwnTag() {
        metrics.attemptEnded(JobAttempt.Outcome.LOST);
        metrics.attemptEnded(JobAttempt.Outcome.LOST);
        metrics.attemptEnded(JobAttempt.Outcome.HANDED_BACK);
        metrics.requeued(JobMetrics.Requeue.RECOVERED);

        assertThat(attempts("lost")).isEqualTo(2.0);
        assertThat(attempts("handed-back")).isEqualTo(1.0);
        assertThat(attempts("succeeded")).isZero();
        assertThat(requeued("recovered")).isEqualTo(1.0);
        assertThat(requeued("handed-back")).isZero();
    }
}
