package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.trainyard.job.JobStatus;

class LeaderboardTests {

    @Test
    void finishedJobsRankBestFirstThenUnfinishedThenCancelledAndFailedLast() {
        List<Leaderboard.Candidate> candidates = List.of(
                candidate("failed-low", JobStatus.FAILED, 0.001, 0),
                candidate("running", JobStatus.RUNNING, 0.5, 1),
                candidate("worse", JobStatus.SUCCEEDED, 40.0, 2),
                candidate("cancelled", JobStatus.CANCELLED, 1.0, 3),
                candidate("better", JobStatus.SUCCEEDED, 20.0, 4),
                candidate("queued", JobStatus.QUEUED, null, 5));

        List<Leaderboard.Entry> ranked = Leaderboard.rank(candidates, SelectBy.VALIDATION);

        assertThat(ranked)
                .extracting(Leaderboard.Entry::jobId)
                .containsExactly("better", "worse", "running", "queued", "cancelled", "failed-low");
        assertThat(ranked.get(0).score()).isEqualTo(2.0);
        assertThat(ranked.get(5).score()).isNull();
        assertThat(Leaderboard.best(ranked).jobId()).isEqualTo("better");
    }

    @Test
    void thereIsNoWinnerUntilAJobHasFinishedWithALoss() {
        List<Leaderboard.Entry> ranked = Leaderboard.rank(
                List.of(candidate("failed", JobStatus.FAILED, 1.0, 0), candidate("running", JobStatus.RUNNING, 1.0, 1)),
                SelectBy.VALIDATION);

        assertThat(ranked).extracting(Leaderboard.Entry::jobId).containsExactly("running", "failed");
        assertThat(Leaderboard.best(ranked)).isNull();
    }

    @Test
    void theScoreIsPerRowSoDifferentValidationSizesCompareFairly() {
        SweepMember small = member("small", JobStatus.SUCCEEDED, 30.0, 10);
        SweepMember large = member("large", JobStatus.SUCCEEDED, 40.0, 20);

        List<Leaderboard.Entry> ranked = Leaderboard.rank(
                List.of(
                        new Leaderboard.Candidate(small, Map.of(), "", 0),
                        new Leaderboard.Candidate(large, Map.of(), "", 1)),
                SelectBy.VALIDATION);

        assertThat(ranked).extracting(Leaderboard.Entry::jobId).containsExactly("large", "small");
    }

    private static Leaderboard.Candidate candidate(String id, JobStatus status, Double validationLoss, int order) {
        return new Leaderboard.Candidate(member(id, status, validationLoss, 10), Map.of(), id, order);
    }

    private static SweepMember member(String id, JobStatus status, Double validationLoss, int validationRows) {
        return new SweepMember(
                id,
                status,
                null,
                List.of(5, 1),
                0,
                100.0,
                validationLoss,
                50.0,
                40,
                validationRows,
                20,
                status == JobStatus.SUCCEEDED ? "model-" + id : null,
                status == JobStatus.FAILED ? "diverged" : null,
                null,
                null,
                false);
    }
}
