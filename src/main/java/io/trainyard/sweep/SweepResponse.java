package io.trainyard.sweep;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.job.JobStatus;

import tools.jackson.databind.JsonNode;

/** A sweep as clients see it: what it tries, how far it is, and its jobs ranked. */
@Schema(name = "Sweep")
record SweepResponse(
        String id,
        String name,
        Instant createdAt,

        @Schema(description = "The name of the key that created it", example = "alice")
        String owner,

        @Schema(description = "The loss that ranks the jobs", example = "validation")
        String selectBy,

        @Schema(description = "Why the chosen selectBy misleads; null for validation")
        String warning,

        @Schema(description = "Number of jobs (grid points)", example = "6")
        int size,

        @Schema(description = "True once no member is queued or running")
        boolean finished,

        @Schema(
                description = "Members per status",
                example = "{\"QUEUED\": 2, \"RUNNING\": 2, \"SUCCEEDED\": 2, " + "\"FAILED\": 0, \"CANCELLED\": 0}")
        Map<JobStatus, Integer> statusCounts,

        @Schema(
                description = "Members deleted since (DELETE /jobs/{id}): the statusCounts and this add up to size",
                example = "0")
        int deleted,

        @Schema(description = "The base job spec, seed filled in")
        JsonNode base,

        @Schema(description = "The values tried per field") Map<String, List<JsonNode>> grid,

        @Schema(
                description = "Members ranked by the selected loss of the model each stored (early stopping's best "
                        + "point when it restored it, else the final one); failed jobs last")
        List<Leaderboard.Entry> leaderboard,

        @Schema(
                description = "The winner (job and model) once it has finished, with its model's losses; null while "
                        + "no member has a score")
        Leaderboard.Entry best) {

    static SweepResponse from(Sweep sweep, List<Leaderboard.Candidate> candidates) {
        List<Leaderboard.Entry> ranked = Leaderboard.rank(candidates, sweep.selectBy());
        List<SweepMember> members =
                candidates.stream().map(Leaderboard.Candidate::member).toList();
        return new SweepResponse(
                sweep.id(),
                sweep.name(),
                sweep.createdAt(),
                sweep.owner(),
                sweep.selectBy().id(),
                sweep.selectBy().warning(),
                sweep.jobIds().size(),
                finished(members),
                counts(members),
                deleted(sweep, members),
                sweep.base(),
                sweep.grid(),
                ranked,
                Leaderboard.best(ranked));
    }

    static Map<JobStatus, Integer> counts(List<SweepMember> members) {
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0);
        }
        members.forEach(m -> counts.merge(m.status(), 1, Integer::sum));
        return counts;
    }

    /** The members no longer there: a finished member may be deleted on its own, the sweep keeps its id. */
    static int deleted(Sweep sweep, List<SweepMember> members) {
        return sweep.jobIds().size() - members.size();
    }

    static boolean finished(List<SweepMember> members) {
        return members.stream().allMatch(m -> m.status().isTerminal());
    }

    /** A sweep in a list: no leaderboard. */
    @Schema(name = "SweepSummary")
    record Summary(
            String id,
            String name,
            Instant createdAt,

            @Schema(description = "The name of the key that created it", example = "alice")
            String owner,

            String selectBy,
            int size,
            boolean finished,
            Map<JobStatus, Integer> statusCounts,

            @Schema(description = "Members deleted since: the statusCounts and this add up to size", example = "0")
            int deleted) {

        static Summary from(Sweep sweep, List<SweepMember> members) {
            return new Summary(
                    sweep.id(),
                    sweep.name(),
                    sweep.createdAt(),
                    sweep.owner(),
                    sweep.selectBy().id(),
                    sweep.jobIds().size(),
                    SweepResponse.finished(members),
                    counts(members),
                    SweepResponse.deleted(sweep, members));
        }
    }

    /** Every member's curves, for one comparison chart. */
    @Schema(name = "SweepLosses")
    record Losses(String sweepId, String selectBy, List<Curve> jobs) {}

    @Schema(name = "SweepCurve")
    record Curve(
            String jobId,

            @Schema(description = "The grid point, for a legend", example = "alpha=0.001, layers=[5]")
            String label,

            Map<String, JsonNode> parameters,
            JobStatus status,
            int[] iteration,
            @Schema(description = "Training SSE") double[] train,

            @Schema(description = "Validation SSE, null without a validation set")
            double[] validation,

            @Schema(description = "Test SSE, null without test rows")
            double[] test,

            @Schema(
                    description =
                            "The point whose weights and losses the stored model holds when early stopping "
                                    + "restored it (the leaderboard's losses for this job); null when the model holds the last point",
                    example = "412")
            Integer bestIteration) {}
}
