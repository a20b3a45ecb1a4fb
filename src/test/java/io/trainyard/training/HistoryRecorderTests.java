package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.history.HistoryChunk;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.RunningJob;
import io.trainyard.job.RunningJobs;
import io.trainyard.nn.IterationReport;

/**
 * How an attempt's history ends: batches already handed to the writer are waited for, and the
 * points still buffered are handed to the caller, which stores them with the outcome, instead of
 * costing a transaction of their own.
 */
class HistoryRecorderTests {

    private static final Duration NEVER = Duration.ofHours(1);

    private final List<HistoryChunk> written = new ArrayList<>();
    private final List<LiveProgress> progressWrites = new ArrayList<>();
    private final RunningJob job = new RunningJobs().start("j", 5000, 1);
    private HistoryRecorder.Batches writer;

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
                job, 1, false, true, 0, writer, writes, new JobMetrics(new SimpleMeterRegistry()), NEVER, NEVER, NEVER);
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
}
