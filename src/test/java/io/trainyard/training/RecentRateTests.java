package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The rate an attempt reports is that of its last seconds: a pause or a slow spell weighs on it for
 * one window at most, where the attempt's average (which the audit saw) went on counting it for
 * minutes. Time is given in nanoseconds, as the recorder reads it from its clock.
 */
class RecentRateTests {

    private static final long SECOND = 1_000_000_000L;
    private static final long WINDOW = RecentRate.WINDOW.toNanos();
    private static final double TOLERANCE = 1e-9;

    /** A run read every 50 ms, as the recorder publishes; time and iteration go on from call to call. */
    private static final class Run {
        final RecentRate rate = new RecentRate(0, 0);
        long now;
        int iteration;

        /** Trains at {@code perSecond} for {@code seconds}; the last rate read. */
        Double at(int perSecond, long seconds) {
            Double last = null;
            long from = now;
            int fromIteration = iteration;
            for (long t = 50_000_000L; t <= seconds * SECOND; t += 50_000_000L) {
                now = from + t;
                iteration = fromIteration + (int) (perSecond * t / SECOND);
                last = rate.at(now, iteration);
            }
            return last;
        }
    }

    @Test
    void thereIsNoRateBeforeTheFirstIterationOfTheAttempt() {
        RecentRate rate = new RecentRate(5 * SECOND, 4_000);

        assertThat(rate.at(5 * SECOND + 200_000_000L, 4_000))
                .as("the attempt's first point is the one it resumed after")
                .isNull();
        assertThat(rate.at(5 * SECOND + 400_000_000L, 4_010)).isCloseTo(25.0, within(TOLERANCE));
    }

    @Test
    void aClockThatDidNotMoveGivesNoRate() {
        RecentRate rate = new RecentRate(7, 0);

        assertThat(rate.at(7, 3)).isNull();
    }

    @Test
    void anAttemptYoungerThanTheWindowIsMeasuredFromItsStart() {
        assertThat(new Run().at(1_000, 4)).isCloseTo(1_000.0, within(TOLERANCE));
    }

    @Test
    void aSlowSpellIsForgottenOneWindowAfterItEnded() {
        Run run = new Run();
        // A minute at 100 it/s, then the machine frees up: 1,000 it/s.
        run.at(100, 60);

        Double halfAWindowLater = run.at(1_000, WINDOW / SECOND / 2);
        Double aWindowLater = run.at(1_000, WINDOW / SECOND / 2);

        assertThat(halfAWindowLater).as("half the window slow, half fast").isCloseTo(550.0, within(TOLERANCE));
        assertThat(aWindowLater)
                .as("the attempt's average would still say %.0f", run.iteration / 70.0)
                .isCloseTo(1_000.0, within(TOLERANCE));
    }

    @Test
    void aPauseCountsForOneWindowAtMost() {
        Run run = new Run();
        run.at(5_000, 60);
        // SIGSTOP for 40 s: no reading meanwhile; the next point comes right after SIGCONT.
        run.now += 40 * SECOND;
        run.iteration++;

        Double atOnce = run.rate.at(run.now, run.iteration);
        Double aWindowLater = run.at(5_000, WINDOW / SECOND);

        assertThat(atOnce)
                .as("the pause is the last seconds: nothing was trained in them")
                .isLessThan(1.0);
        assertThat(aWindowLater).isCloseTo(5_000.0, within(TOLERANCE));
    }

    @Test
    void readingsMuchCloserThanTheSampleSpacingStillGiveTheRecentRate() {
        RecentRate rate = new RecentRate(0, 0);
        int iteration = 0;
        Double last = null;
        // A reading every millisecond for 25 s (the ring keeps one sample per spacing), at 1,000 it/s.
        for (long t = SECOND / 1_000; t <= 25 * SECOND; t += SECOND / 1_000) {
            iteration++;
            last = rate.at(t, iteration);
        }

        assertThat(last).isCloseTo(1_000.0, within(TOLERANCE));
    }
}
