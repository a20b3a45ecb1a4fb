package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class EngineWarmupTests {

    private static final int RUN = EngineWarmup.Rehearser.RUN;

    private final StopSignal stopping = new StopSignal();

    private EngineWarmup.Rehearser rehearser(int iterations, Duration lease) {
        return new EngineWarmup.Rehearser(iterations, stopping, Duration.ofSeconds(1), lease);
    }

    @Test
    void rehearsesJobSizedRunsUpToAtLeastTheMinimumThenTheWidePath() throws Exception {
        EngineWarmup.Rehearsal done = rehearser(2 * RUN, Duration.ofSeconds(30)).rehearse();

        assertThat(done.ending()).isIn(EngineWarmup.Ending.SETTLED, EngineWarmup.Ending.CAPPED);
        // At least the minimum, at most four times as many while the JIT is still busy.
        assertThat(done.runs()).isBetween(2, 8);
        // The job-sized runs, then a tenth of the minimum on the wide path.
        assertThat(done.iterations()).isEqualTo(done.runs() * RUN + 2 * RUN / 10);
    }

    @Test
    void givesWayToARealJobBeforeTrainingAnything() throws Exception {
        EngineWarmup.Rehearsal done = rehearser(16_000, Duration.ofSeconds(30))
                .giveWayWhen(() -> true)
                .rehearse();

        assertThat(done).isEqualTo(new EngineWarmup.Rehearsal(0, 0, EngineWarmup.Ending.GAVE_WAY));
    }

    @Test
    void givesWayWhenTheInstanceStops() throws Exception {
        stopping.raise();

        assertThat(rehearser(16_000, Duration.ofSeconds(30)).rehearse())
                .isEqualTo(new EngineWarmup.Rehearsal(0, 0, EngineWarmup.Ending.GAVE_WAY));
    }

    @Test
    void eachRunStopsOnAJobsOwnConditionAndEndsTheRehearsal() throws Exception {
        // A lease that has always run out: the job's stop condition ends the first run at its first point.
        EngineWarmup.Rehearsal done = rehearser(16_000, Duration.ZERO).rehearse();

        assertThat(done.ending()).isEqualTo(EngineWarmup.Ending.GAVE_WAY);
        assertThat(done.runs()).isEqualTo(1);
        assertThat(done.iterations()).isLessThan(RUN);
    }
}
