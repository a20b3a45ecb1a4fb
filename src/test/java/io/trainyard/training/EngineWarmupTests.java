package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.trainyard.nn.Activation;

class EngineWarmupTests {

    private static final int RUN = EngineWarmup.Rehearser.RUN;

    private final StopSignal stopping = new StopSignal();

    private EngineWarmup.Rehearser rehearser(int iterations, Duration lease) {
        return new EngineWarmup.Rehearser(iterations, stopping, Duration.ofSeconds(1), lease);
    }

    @Test
    void rehearsesJobSizedRunsUpToAtLeastTheMinimumAndTheSidePathsOnce() throws Exception {
        EngineWarmup.Rehearsal done = rehearser(2 * RUN, Duration.ofSeconds(30)).rehearse();

        assertThat(done.ending()).isIn(EngineWarmup.Ending.SETTLED, EngineWarmup.Ending.CAPPED);
        // At least the minimum, at most four times as many while the JIT is still busy.
        assertThat(done.runs()).isBetween(2, 8);
        // The job-sized runs and, once, each side path (a tenth of the minimum on the wide path).
        int sidePaths = rehearser(2 * RUN, Duration.ofSeconds(30)).sidePaths().stream()
                .mapToInt(side -> side.plan().iterations())
                .sum();
        assertThat(sidePaths)
                .isEqualTo(2 * RUN / 10 + 4 * EngineWarmup.Rehearser.SIDE_RUN + EngineWarmup.Rehearser.SIDE_RUN / 2);
        assertThat(done.iterations()).isEqualTo(done.runs() * RUN + sidePaths);
    }

    @Test
    void theSidePathsAreRehearsedOnceEachWhileTheLoopIsStillBeingProfiledNotAtTheEnd() throws Exception {
        List<String> shapes = new ArrayList<>();
        EngineWarmup.Rehearser rehearser = rehearser(6 * RUN, Duration.ofSeconds(30));
        rehearser.onEachRun(problem -> shapes.add(Arrays.toString(
                        problem.start().layerSizes()) + " " + problem.start().activation()));

        EngineWarmup.Rehearsal done = rehearser.rehearse();

        List<String> sidePaths = List.of(
                "[64, 128, 1] SIGMOID",
                "[5, 20, 1] RELU",
                "[5, 20, 1] TANH",
                "[5, 20, 20, 1] SIGMOID",
                "[5, 20, 1] SIGMOID", // mini-batches with Adam
                "[5, 20, 1] SIGMOID"); // momentum
        assertThat(rehearser.sidePaths())
                .extracting(side -> side.plan().optimizer().getClass().getSimpleName() + " "
                        + side.plan().batchSize())
                .containsExactly("Gd null", "Gd null", "Gd null", "Gd null", "Adam 64", "Momentum null");
        int first = EngineWarmup.Rehearser.SIDE_PATHS_AFTER;
        assertThat(shapes).hasSize(done.runs() + sidePaths.size());
        assertThat(shapes.subList(0, first)).containsOnly("[5, 20, 1] SIGMOID");
        assertThat(shapes.subList(first, first + sidePaths.size())).isEqualTo(sidePaths);
        assertThat(shapes.subList(first + sidePaths.size(), shapes.size())).containsOnly("[5, 20, 1] SIGMOID");
    }

    @Test
    void theSidePathsGiveWayToARealJobBetweenTheirRuns() throws Exception {
        AtomicBoolean jobArrived = new AtomicBoolean();
        List<String> shapes = new ArrayList<>();
        EngineWarmup.Rehearser rehearser = rehearser(6 * RUN, Duration.ofSeconds(30))
                .giveWayWhen(jobArrived::get)
                .onEachRun(problem -> {
                    shapes.add(problem.start().activation().toString());
                    if (problem.start().activation() == Activation.RELU) {
                        jobArrived.set(true); // a job is submitted while relu is rehearsed
                    }
                });

        EngineWarmup.Rehearsal done = rehearser.rehearse();

        assertThat(done.ending()).isEqualTo(EngineWarmup.Ending.GAVE_WAY);
        assertThat(shapes.get(shapes.size() - 1)).isEqualTo("RELU");
        assertThat(done.runs()).isEqualTo(EngineWarmup.Rehearser.SIDE_PATHS_AFTER);
    }

    @Test
    void settlingOnceTheServiceIsReadyRunsOnlyTheHomeworkPathAndAtLeastTheQuietRuns() throws Exception {
        List<String> shapes = new ArrayList<>();
        EngineWarmup.Rehearser rehearser = rehearser(16_000, Duration.ofSeconds(30))
                .onEachRun(problem -> shapes.add(Arrays.toString(problem.start().layerSizes())));

        EngineWarmup.Rehearsal settled = rehearser.settle();

        assertThat(settled.ending()).isIn(EngineWarmup.Ending.SETTLED, EngineWarmup.Ending.CAPPED);
        assertThat(settled.runs()).isBetween(EngineWarmup.Rehearser.QUIET_RUNS, 64);
        assertThat(settled.iterations()).isEqualTo(settled.runs() * RUN);
        // enough calls of the once-per-iteration methods for C2 to compile them now, not in the first jobs
        assertThat(settled.iterations()).isGreaterThanOrEqualTo(EngineWarmup.Rehearser.c2Calls());
        assertThat(shapes).hasSize(settled.runs()).containsOnly("[5, 20, 1]");
    }

    @Test
    void settlingMakesUpWhatTheWarmUpLacksOfC2sThresholdAndAtLeastAQuarterOfIt() {
        // the service's JVM: Tier4InvocationThreshold 50,000, so 62,500 calls; the default minimum 16,000
        assertThat(EngineWarmup.Rehearser.settleMinimum(62_500, 48_000, 16_000)).isEqualTo(15_625);
        assertThat(EngineWarmup.Rehearser.settleMinimum(62_500, 20_000, 16_000)).isEqualTo(42_500);
        // a first phase that ran past it while C2's queue was long still leaves a quarter to the ready phase
        assertThat(EngineWarmup.Rehearser.settleMinimum(62_500, 62_850, 16_000)).isEqualTo(15_625);
        // never more than four times a small configured minimum, never fewer than the quiet runs
        assertThat(EngineWarmup.Rehearser.settleMinimum(62_500, 0, 2_000)).isEqualTo(8_000);
        assertThat(EngineWarmup.Rehearser.settleMinimum(5_000, 100_000, 16_000))
                .isEqualTo(EngineWarmup.Rehearser.QUIET_RUNS * RUN);
    }

    @Test
    void aSmallConfiguredMinimumKeepsSettlingShortToo() throws Exception {
        // A lease long enough for a test JVM whose engine code the JIT has sent back to slow code for a
        // while (once seen in CI: 329 iterations in 30 s, under a second once recompiled): what this test
        // checks is how many iterations settling asks for, not how fast they run.
        EngineWarmup.Rehearsal settled = rehearser(RUN, Duration.ofSeconds(180)).settle();

        assertThat(settled.ending())
                .as("the rehearsal ended by its count, not by its lease")
                .isNotEqualTo(EngineWarmup.Ending.GAVE_WAY);
        // the quiet runs at least, and never more than four times the configured minimum
        assertThat(settled.iterations()).isBetween(EngineWarmup.Rehearser.QUIET_RUNS * RUN, 4 * RUN);
    }

    @Test
    void settlingGivesWayToARealJob() throws Exception {
        EngineWarmup.Rehearsal settled = rehearser(16_000, Duration.ofSeconds(30))
                .giveWayWhen(() -> true)
                .settle();

        assertThat(settled).isEqualTo(new EngineWarmup.Rehearsal(0, 0, EngineWarmup.Ending.GAVE_WAY));
    }

    @Test
    void anEarlyRehearsalSettlesOnceTheReadyServiceHasStayedIdle() throws Exception {
        EngineWarmup.Rehearser rehearser = rehearser(2 * RUN, Duration.ofSeconds(30));
        rehearser.startInBackground(true);

        AtomicInteger readByTheService = new AtomicInteger();
        AtomicInteger checked = new AtomicInteger();
        rehearser
                .readingAs(new DataPathRehearsal.SubmitPath(
                        DataPathRehearsalTests.countingStrings(readByTheService), request -> checked.incrementAndGet()))
                .giveWayWhen(() -> false); // the service is ready, and no job comes

        EngineWarmup.Rehearsal settled = rehearser.finished().get(60, TimeUnit.SECONDS);
        assertThat(settled).isNotNull();
        assertThat(settled.runs()).isGreaterThanOrEqualTo(EngineWarmup.Rehearser.QUIET_RUNS);
        // then the submit's data path, through the service's own mapper (two strings a body)
        assertThat(readByTheService.get())
                .isBetween(2 * DataPathRehearsal.READY_BODIES, 2 * DataPathRehearsal.READY_MAX);
        assertThat(checked.get()).isEqualTo(readByTheService.get() / 2);
    }

    @Test
    void anEarlyRehearsalDoesNotSettleWhenAJobComesWhileItWaits() throws Exception {
        EngineWarmup.Rehearser rehearser = rehearser(2 * RUN, Duration.ofSeconds(30));
        AtomicBoolean jobRunning = new AtomicBoolean();
        rehearser.startInBackground(true);
        rehearser.giveWayWhen(jobRunning::get); // the service is ready
        assertThat(rehearser.rehearsed().get(60, TimeUnit.SECONDS).ending()).isNotEqualTo(EngineWarmup.Ending.GAVE_WAY);

        jobRunning.set(true); // a job starts within the idle wait

        assertThat(rehearser.finished().get(60, TimeUnit.SECONDS)).isNull();
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
