package io.trainyard.job;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonValue;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One attempt to train a job: one claim by one instance, from the moment it was claimed until it
 * ended. A clean stop's hand-back is an entry too (outcome {@code handed-back}) but is not counted in
 * the job's {@code attempts}.
 */
@Schema(name = "JobAttempt", description = "One claim of the job by an instance, from claim to end")
public record JobAttempt(
        @Schema(description = "1, 2, … in the order the job was claimed (hand-backs included)", example = "2")
        int number,

        @Schema(description = "When the instance claimed the job (database clock)", example = "2026-11-29T12:00:03Z")
        Instant startedAt,

        @Schema(description = "When the attempt ended; null while it runs", example = "2026-11-29T12:04:41Z")
        Instant endedAt,

        @Schema(description = "The instance that ran the attempt", example = "trainyard-1-3f2a9c1e")
        String instance,

        @Schema(
                description = "The iteration this attempt resumed after: 0 from the seed, more from a checkpoint; "
                        + "null when it ended before training started",
                example = "4169")
        Integer resumedFrom,

        @Schema(
                description = "How the attempt ended; null while it runs. succeeded, failed and cancelled end the "
                        + "job; handed-back: the instance stopped cleanly and put the job back in the queue (not "
                        + "counted in attempts); lost: the instance crashed, froze or was cut off, its claim expired "
                        + "and recovery took the job from it",
                type = "string",
                allowableValues = {"succeeded", "failed", "cancelled", "handed-back", "lost"},
                example = "succeeded")
        Outcome outcome) {

    /** How an attempt ended. */
    public enum Outcome {
        SUCCEEDED("succeeded"),
        FAILED("failed"),
        CANCELLED("cancelled"),
        HANDED_BACK("handed-back"),
        LOST("lost");

        private final String id;

        Outcome(String id) {
            this.id = id;
        }

        /** The name stored and shown. */
        @JsonValue
        public String id() {
            return id;
        }

        /** The outcome of an attempt that ended its job with {@code status}. */
        public static Outcome ending(JobStatus status) {
            return switch (status) {
                case SUCCEEDED -> SUCCEEDED;
                case FAILED -> FAILED;
                case CANCELLED -> CANCELLED;
                default -> throw new IllegalArgumentException(status + " does not end a job");
            };
        }

        static Outcome of(String id) {
            for (Outcome outcome : values()) {
                if (outcome.id.equals(id)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("unknown attempt outcome " + id);
        }
    }
}
