package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pace of progress events, on a simulated clock: the ticker's looks come with a fixed delay, each a
 * tick plus the time the look itself took after the one before, while one iteration of the job lasts
 * far longer than a second.
 */
class ProgressPaceTests {

    private static final long MS = 1_000_000L;

    @ParameterizedTest(name = "tick {0} ms, each look taking {1} ms")
    @CsvSource({"250, 0", "250, 5", "250, 20", "250, 60", "50, 0", "50, 2", "50, 15", "500, 20", "100, 10"})
    void anUnchangedIterationIsToldAtLeastEverySecond(long tickMillis, long lookMillis) {
        List<Long> sent = lookWhileOneIterationLasts(tickMillis, lookMillis, Duration.ofSeconds(10));

        assertThat(gaps(sent))
                .isNotEmpty()
                .allSatisfy(gap -> assertThat(gap)
                        .as("nanoseconds between progress events")
                        .isLessThanOrEqualTo(ProgressPace.AT_LEAST_EVERY.toNanos()));
    }

    @ParameterizedTest(name = "tick {0} ms")
    @CsvSource({"250", "50"})
    void anUnchangedIterationIsStillThrottled(long tickMillis) {
        List<Long> sent = lookWhileOneIterationLasts(tickMillis, 1, Duration.ofSeconds(10));

        assertThat(gaps(sent)).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(600 * MS));
    }

    @ParameterizedTest(name = "tick {0} ms")
    @CsvSource({"250", "50"})
    void aNewIterationIsToldAtTheNextLook(long tickMillis) {
        ProgressPace pace = new ProgressPace(Duration.ofMillis(tickMillis));
        pace.sent(7, 0);

        assertThat(pace.due(7, tickMillis * MS)).isFalse();
        assertThat(pace.due(8, tickMillis * MS)).isTrue();
        assertThat(pace.isNew(8)).isTrue();
        assertThat(pace.isNew(7)).isFalse();
    }

    /** The times at which the looks of the ticker send a progress event for a job stuck at iteration 3. */
    private static List<Long> lookWhileOneIterationLasts(long tickMillis, long lookMillis, Duration iteration) {
        ProgressPace pace = new ProgressPace(Duration.ofMillis(tickMillis));
        List<Long> sent = new ArrayList<>();
        for (long now = 0; now <= iteration.toNanos(); now += (tickMillis + lookMillis) * MS) {
            if (pace.due(3, now)) {
                pace.sent(3, now);
                sent.add(now);
            }
        }
        return sent;
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }
}
