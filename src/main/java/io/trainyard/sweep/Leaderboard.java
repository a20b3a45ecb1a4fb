package io.trainyard.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.job.JobStatus;

import tools.jackson.databind.JsonNode;

/**
 * Ranks a sweep's jobs by one final loss: a finished job's is its stored model's (early stopping's
 * best point when the model holds its weights, else the last point). Finished jobs with a finite loss come first, best first;
 * then jobs still queued or running; then cancelled ones; a failed (e.g. diverged) job is always
 * last, so it can never be named the winner.
 */
final class Leaderboard {

    private Leaderboard() {}

    /** One job of the sweep and the grid point it trains. */
    record Candidate(SweepMember member, Map<String, JsonNode> parameters, String label, int order) {}

    @Schema(name = "LeaderboardEntry")
    record Entry(
            @Schema(description = "1 = best", example = "1") int rank,
            String jobId,
            @Schema(example = "SUCCEEDED") JobStatus status,

            @Schema(description = "The grid point this job trains", example = "{\"alpha\": 0.001, \"layers\": [5]}")
            Map<String, JsonNode> parameters,

            @Schema(example = "alpha=0.001, layers=[5]") String label,

            @Schema(
                    description = "Training SSE of the stored model: the best iteration's when early stopping "
                            + "restored it (bestIteration), else the final one; the latest while running")
            Double trainLoss,

            @Schema(
                    description =
                            "Validation SSE of the stored model (the best iteration's when early stopping "
                                    + "restored it, else the final one; the latest while running); null without a validation set")
            Double validationLoss,

            @Schema(
                    description = "Test SSE of the stored model (the best iteration's when early stopping restored it, "
                            + "else the final one), reported but never used for ranking unless selectBy is test")
            Double testLoss,

            @Schema(
                    description = "The selected loss per row (MSE) of the stored model: what the leaderboard sorts by; "
                            + "the latest value while running, null for a failed job or one without that loss yet")
            Double score,

            @Schema(
                    description = "Set when the losses above are those of the stored model's restored point: early "
                            + "stopping's best iteration, whose weights the model holds (restoreBest). Null when they "
                            + "are the final (or, while running, latest) point's, which is the model's without "
                            + "restoreBest",
                    example = "412")
            Integer bestIteration,

            @Schema(description = "The trained model, once SUCCEEDED")
            String modelId,

            @Schema(description = "Why the job failed or was cancelled, if it did")
            String error,

            @Schema(
                    description = "A cancel was asked for and not yet carried out: the job is still RUNNING and "
                            + "stops at its next iteration (POST /sweeps/{id}/cancel answers with this)")
            boolean cancelRequested) {}

    static List<Entry> rank(List<Candidate> candidates, SelectBy selectBy) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.<Candidate>comparingInt(c -> tier(c.member(), score(c.member(), selectBy)))
                .thenComparingDouble(c -> {
                    Double score = score(c.member(), selectBy);
                    return tier(c.member(), score) == 0 ? score : 0.0;
                })
                .thenComparingInt(Candidate::order));
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            Candidate c = sorted.get(i);
            SweepMember m = c.member();
            // A failed job's last finite loss is no result: it gets no score, whatever it was.
            Double score = m.status() == JobStatus.FAILED ? null : score(m, selectBy);
            entries.add(new Entry(
                    i + 1,
                    m.jobId(),
                    m.status(),
                    c.parameters(),
                    c.label(),
                    m.trainLoss(),
                    m.validationLoss(),
                    m.testLoss(),
                    score,
                    m.bestIteration(),
                    m.modelId(),
                    error(m),
                    m.cancelRequested()));
        }
        return entries;
    }

    /** The winner: the first entry, if it is a finished job with a finite loss. */
    static Entry best(List<Entry> entries) {
        if (entries.isEmpty()) {
            return null;
        }
        Entry first = entries.get(0);
        return first.status() == JobStatus.SUCCEEDED && first.score() != null ? first : null;
    }

    /** 0 finished and scored, 1 still to come, 2 cancelled or unscored, 3 failed. */
    private static int tier(SweepMember member, Double score) {
        return switch (member.status()) {
            case SUCCEEDED -> score == null ? 2 : 0;
            case QUEUED, RUNNING -> 1;
            case CANCELLED -> 2;
            case FAILED -> 3;
        };
    }

    /**
     * The selected loss divided by its rows. Per-row so that members with different validation
     * fractions compare fairly; for equal row counts it orders exactly like the sum.
     */
    static Double score(SweepMember member, SelectBy selectBy) {
        Double loss;
        Integer rows;
        switch (selectBy) {
            case TRAIN -> {
                loss = member.trainLoss();
                rows = member.trainRows();
            }
            case TEST -> {
                loss = member.testLoss();
                rows = member.testRows();
            }
            default -> {
                loss = member.validationLoss();
                rows = member.validationRows();
            }
        }
        if (loss == null || rows == null || rows == 0 || !Double.isFinite(loss)) {
            return null;
        }
        return loss / rows;
    }

    private static String error(SweepMember member) {
        if (member.errorType() != null) {
            return member.errorType() + ": " + member.errorDetail();
        }
        return member.status() == JobStatus.CANCELLED ? "cancelled" : null;
    }
}
