package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.history.HistoryChunk;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.nn.IterationReport;

/**
 * How an attempt's history ends: batches already handed to the writer are waited for, and the
 * points still buffered are handed to the caller, which stores them with the outcome, instead of
 * costing a transaction of their own. And the rate readers see is that of the last seconds, on the
 * recorder's clock (a test clock here).
 */
class HistoryRecorderTests {

    private static final Duration NEVER = Duration.ofHours(1);

    private final List<HistoryChunk> written = new ArrayList<>();
    private final List<LiveProgress> progressWrites = new ArrayList<>();
    private final RunningJob job = new RunningJobs().start("j", 5000, 1);
    private HistoryRecorder.Batches writer;
    /** The test clock, in nanoseconds: any start will do, the recorder only takes differences. */
    private long nanos = 123_456_789_000L;

    /** The writer as the database would answer: the fence decides, then the batch is stored. */
    private void writerAnswers(boolean claimHeld) {
        writer = (chunk, fence, alongside) -> {
            boolean held = fence.getAsBoolean() && claimHeld;
            if (held) {
                written.add(chunk);
            }
            return CompletableFuture.completedFuture(held);
        };
    }

    private HistoryRecorder recorder() {
        return recorder(0, System::nanoTime);
    }

    private HistoryRecorder recorder(int startIteration, LongSupplier clock) {
        return recorder(job, startIteration, clock);
    }

    private HistoryRecorder recorder(RunningJob job, int startIteration, LongSupplier clock) {
        HistoryRecorder.AttemptWrites writes = new HistoryRecorder.AttemptWrites() {
            @Override
            public boolean progress(LiveProgress p) {
                progressWrites.add(p);
                return true;
            }

            @Override
            public void checkpoint(int iteration, byte[] state) {}
        };
        return new HistoryRecorder(
                job,
                1,
                false,
                true,
                startIteration,
                writer,
                writes,
                new JobMetrics(new SimpleMeterRegistry()),
                NEVER,
                NEVER,
                NEVER,
                clock);
    }

    private static IterationReport report(int iteration) {
        return new IterationReport(
                iteration, 100.0 / (iteration + 1), null, 200.0 / (iteration + 1), new double[] {iteration});
    }

    @Test
    void theLastPointsAreLeftToTheOutcomesTransaction() throws Exception {
        writerAnswers(true);
        HistoryRecorder recorder = recorder();
        for (int i = 0; i <= 10; i++) {
            recorder.onIteration(report(i));
        }

        HistoryRecorder.Tail tail = recorder.finishKeepingTail();

        assertThat(written).as("nothing went to the writer thread").isEmpty();
        assertThat(progressWrites).isEmpty();
        assertThat(tail.chunk().firstIteration()).isZero();
        assertThat(tail.chunk().count()).isEqualTo(11);
        assertThat(tail.chunk().train()[10]).isEqualTo(100.0 / 11);
        assertThat(tail.chunk().test()[10]).isEqualTo(200.0 / 11);
        assertThat(tail.progress().iteration()).isEqualTo(10);
        assertThat(job.progress().iteration()).as("readers see the end at once").isEqualTo(10);
    }

    @Test
    void fullBatchesStillGoToTheWriterAndOnlyTheRestIsLeft() throws Exception {
        writerAnswers(true);
        HistoryRecorder recorder = recorder();
        for (int i = 0; i <= 4100; i++) {
            recorder.onIteration(report(i));
        }

        HistoryRecorder.Tail tail = recorder.finishKeepingTail();

        assertThat(written).singleElement().satisfies(batch -> {
            assertThat(batch.firstIteration()).isZero();
            assertThat(batch.count()).isEqualTo(4096);
        });
        assertThat(progressWrites)
                .singleElement()
                .satisfies(p -> assertThat(p.iteration()).isEqualTo(4095));
        assertThat(tail.chunk().firstIteration()).isEqualTo(4096);
        assertThat(tail.chunk().count()).isEqualTo(5);
    }

    @Test
    void aShortJobsPointsAllStayForItsOutcomesTransaction() throws Exception {
        // Its buffer is sized to the job: the 11 points of 10 iterations fill it no more than the 5,001
        // of a 5,000-iteration job fill 4,096 places, so none goes to the writer in a transaction of its own.
        writerAnswers(true);
        HistoryRecorder recorder = recorder(new RunningJobs().start("short", 10, 1), 0, System::nanoTime);
        for (int i = 0; i <= 10; i++) {
            recorder.onIteration(report(i));
        }

        HistoryRecorder.Tail tail = recorder.finishKeepingTail();

        assertThat(written).isEmpty();
        assertThat(tail.chunk().firstIteration()).isZero();
        assertThat(tail.chunk().count()).isEqualTo(11);
        assertThat(tail.chunk().train()[10]).isEqualTo(100.0 / 11);
    }

    @Test
    void pointsBeyondWhatTheJobPlannedStillReachTheWriter() throws Exception {
        // Should a run ever report more points than its iterations, a full buffer is written as a batch
        // like any other and nothing is lost.
        writerAnswers(true);
        HistoryRecorder recorder = recorder(new RunningJobs().start("short", 10, 1), 0, System::nanoTime);
        for (int i = 0; i <= 15; i++) {
            recorder.onIteration(report(i));
        }

        HistoryRecorder.Tail tail = recorder.finishKeepingTail();

        assertThat(written).singleElement().satisfies(batch -> {
            assertThat(batch.firstIteration()).isZero();
            assertThat(batch.count()).isEqualTo(12);
            assertThat(batch.train()[11]).isEqualTo(100.0 / 12);
        });
        assertThat(tail.chunk().firstIteration()).isEqualTo(12);
        assertThat(tail.chunk().count()).isEqualTo(4);
        assertThat(tail.chunk().test()[3]).isEqualTo(200.0 / 16);
    }

    @Test
    void aResumedAttemptsRemainingPointsStayForTheOutcome() throws Exception {
        writerAnswers(true);
        HistoryRecorder recorder = recorder(4500, System::nanoTime);
        for (int i = 4501; i <= 5000; i++) {
            recorder.onIteration(report(i));
        }

        HistoryRecorder.Tail tail = recorder.finishKeepingTail();

        assertThat(written).isEmpty();
        assertThat(tail.chunk().firstIteration()).isEqualTo(4501);
        assertThat(tail.chunk().count()).isEqualTo(500);
    }

    @Test
    void aBatchRefusedByTheFenceLeavesNothingToStore() throws Exception {
        writerAnswers(false);
        HistoryRecorder recorder = recorder();
        for (int i = 0; i <= 4100; i++) {
            recorder.onIteration(report(i));
        }

        assertThat(recorder.finishKeepingTail()).isNull();
    }

    @Test
    void aRunWithoutPointsHasAnEmptyTail() throws Exception {
        writerAnswers(true);

        HistoryRecorder.Tail tail = recorder().finishKeepingTail();

        assertThat(tail.chunk()).isNull();
        assertThat(tail.progress()).isNull();
    }

    /** Trains {@code count} iterations after {@code from}, one every {@code nanosEach} on the test clock. */
    private int train(HistoryRecorder recorder, int from, int count, long nanosEach) {
        for (int i = from + 1; i <= from + count; i++) {
            nanos += nanosEach;
            recorder.onIteration(report(i));
        }
        return from + count;
    }

    @Test
    void aResumedAttemptHasNoRateUntilItTrainedAnIteration() {
        writerAnswers(true);
        HistoryRecorder recorder = recorder(4_000, () -> nanos);

        nanos += 300_000_000L;
        recorder.onIteration(report(4_000));
        assertThat(job.progress().iteration()).isEqualTo(4_000);
        assertThat(job.progress().iterationsPerSecond())
                .as("the point it resumed after is not one it trained")
                .isNull();

        train(recorder, 4_000, 10, 10_000_000L);
        assertThat(job.progress().iterationsPerSecond())
                .as("10 iterations in 0.4 s since the attempt started")
                .isCloseTo(25.0, within(1e-9));
    }

    @Test
    void afterAPauseReadersSeeTheRateOfTheLastSecondsAndTheFinalPointHasItToo() throws Exception {
        writerAnswers(true);
        HistoryRecorder recorder = recorder(0, () -> nanos);
        recorder.onIteration(report(0));
        // A minute at 100 it/s, then SIGSTOP for 40 s, then on at 1,000 it/s (the machine is quiet now).
        int at = train(recorder, 0, 6_000, 10_000_000L);
        nanos += 40_000_000_000L;
        at = train(recorder, at, 11_000, 1_000_000L);

        double overTheAttempt = at / ((60 + 40 + 11) * 1.0);
        assertThat(job.progress().iterationsPerSecond())
                .as("not the attempt's average, %.0f it/s", overTheAttempt)
                .isCloseTo(1_000.0, within(1.0));

        nanos += 1_000_000L;
        HistoryRecorder.Tail tail = recorder.finishKeepingTail();
        assertThat(tail.progress().iterationsPerSecond()).isCloseTo(1_000.0, within(1.0));
    }

    /** Ops audit (session 31): the progress lines named the job but not its owner, unlike its start and end lines. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void progressLinesNameTheJobAndItsOwner(CapturedOutput output) {
        writerAnswers(true);
        RunningJob alices = new RunningJobs().start("job-of-alice", "alice", 10, 1);
        HistoryRecorder recorder = new HistoryRecorder(
                alices,
                1,
                false,
                true,
                0,
                writer,
                new HistoryRecorder.AttemptWrites() {
                    @Override
                    public boolean progress(LiveProgress p) {
                        return true;
                    }

                    @Override
                    public void checkpoint(int iteration, byte[] state) {}
                },
                new JobMetrics(new SimpleMeterRegistry()),
                NEVER,
                NEVER,
                Duration.ZERO,
                () -> nanos += 1_000_000L);

        recorder.onIteration(report(0));
        recorder.onIteration(report(1));

        assertThat(output.getOut()).contains("Job job-of-alice of alice: iteration 1/10");
    }
}
