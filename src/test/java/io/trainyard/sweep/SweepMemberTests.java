package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.trainyard.history.LossPoint;
import io.trainyard.job.EarlyStoppingOption;
import io.trainyard.job.JobSpec;
import io.trainyard.job.JobStatus;
import io.trainyard.job.LiveProgress;
import io.trainyard.job.TrainingJob;
import io.trainyard.nn.Activation;

/** Which losses a member is ranked by: its stored model's, which early stopping may have restored. */
class SweepMemberTests {

    @Test
    void aMemberRankedByItsRestoredBestPointBeatsOneWithABetterLastPoint() {
        // A's last validation loss (30) is better than B's last (60), but B stored the weights of its
        // iteration 12, whose validation loss (20) is better than A's best (also its last point).
        SweepMember a = SweepMember.from(job("a", JobStatus.SUCCEEDED, true, 40), last(40, 30.0))
                .restoredTo(new LossPoint(40, 90.0, 30.0, 45.0));
        SweepMember b = SweepMember.from(job("b", JobStatus.SUCCEEDED, true, 12), last(80, 60.0))
                .restoredTo(new LossPoint(12, 110.0, 20.0, 35.0));

        List<Leaderboard.Entry> ranked = Leaderboard.rank(
                List.of(new Leaderboard.Candidate(a, Map.of(), "a", 0), new Leaderboard.Candidate(b, Map.of(), "b", 1)),
                SelectBy.VALIDATION);

        assertThat(ranked).extracting(Leaderboard.Entry::jobId).containsExactly("b", "a");
        Leaderboard.Entry winner = Leaderboard.best(ranked);
        assertThat(winner.jobId()).isEqualTo("b");
        assertThat(winner.bestIteration()).isEqualTo(12);
        assertThat(winner.trainLoss()).isEqualTo(110.0);
        assertThat(winner.validationLoss()).isEqualTo(20.0);
        assertThat(winner.testLoss()).isEqualTo(35.0);
        assertThat(winner.score()).isEqualTo(2.0);
        assertThat(winner.modelId()).isEqualTo("model-b");
    }

    @Test
    void onlyAFinishedJobThatRestoredItsBestWeightsHasARestoredIteration() {
        assertThat(job("done", JobStatus.SUCCEEDED, true, 12).restoredIteration())
                .isEqualTo(12);
        assertThat(job("kept last", JobStatus.SUCCEEDED, false, 12).restoredIteration())
                .as("restoreBest false: the model holds the last point")
                .isNull();
        assertThat(job("running", JobStatus.RUNNING, true, null).restoredIteration())
                .as("while running the latest losses are shown")
                .isNull();
        assertThat(job("cancelled", JobStatus.CANCELLED, true, null).restoredIteration())
                .isNull();
        assertThat(job("no early stopping", JobStatus.SUCCEEDED, null, null).restoredIteration())
                .isNull();
    }

    @Test
    void aMemberWithItsLatestLossesNamesNoBestIteration() {
        SweepMember running = SweepMember.from(job("r", JobStatus.RUNNING, true, null), last(7, 3.0));

        List<Leaderboard.Entry> ranked =
                Leaderboard.rank(List.of(new Leaderboard.Candidate(running, Map.of(), "r", 0)), SelectBy.VALIDATION);

        assertThat(ranked.get(0).bestIteration()).isNull();
        assertThat(ranked.get(0).validationLoss()).isEqualTo(3.0);
    }

    private static LiveProgress last(int iteration, double validationLoss) {
        return new LiveProgress(iteration, 100.0, validationLoss, 50.0, null);
    }

    /**
     * @param restoreBest null for a job without early stopping
     * @param bestIteration early stopping's best point, as stored when the job ends
     */
    private static TrainingJob job(String id, JobStatus status, Boolean restoreBest, Integer bestIteration) {
        EarlyStoppingOption stopping =
                restoreBest == null ? null : new EarlyStoppingOption(100, 0.0, "validation", restoreBest);
        JobSpec spec = new JobSpec(
                id,
                "hw5",
                List.of(5),
                Activation.SIGMOID,
                true,
                0.1,
                0.001,
                100,
                7L,
                true,
                1,
                0.1,
                null,
                null,
                null,
                stopping);
        return new TrainingJob(
                id,
                spec,
                "sweep",
                List.of(5, 5, 1),
                status,
                Instant.EPOCH,
                new TrainingJob.Claim(null, 1, Instant.EPOCH, null, false, 1, 0, 0),
                new TrainingJob.Progress(null, null, null, null, null, 40, 10, 20),
                new TrainingJob.Outcome(null, null, null, status == JobStatus.SUCCEEDED ? "model-" + id : null),
                new TrainingJob.Findings(null, bestIteration == null ? null : true, bestIteration, null));
    }
}
