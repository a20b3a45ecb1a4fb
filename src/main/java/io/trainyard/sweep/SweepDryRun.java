package io.trainyard.sweep;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.job.JobService;

import tools.jackson.databind.JsonNode;

/**
 * What {@code POST /sweeps?dryRun=true} answers: every member as it would be queued, checked exactly
 * like a real sweep, nothing stored.
 *
 * @param warning what the submission would say about {@code selectBy} (train and test mislead), or null
 * @param totalEstimatedMemoryBytes the sum over members (they run at most {@code trainyard.workers} at a time)
 */
@Schema(name = "SweepDryRun")
record SweepDryRun(
        String name,
        @Schema(example = "validation") String selectBy,

        @Schema(
                description =
                        "Why selecting by train or test loss misleads, as the real submission says; null for validation")
        String warning,

        int jobs,
        long totalEstimatedMemoryBytes,
        List<Member> members) {

    /** One member: its grid point and what its job would be. */
    @Schema(name = "SweepDryRunMember")
    record Member(Map<String, JsonNode> point, JobService.DryRun job) {}
}
