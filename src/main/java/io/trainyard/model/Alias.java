package io.trainyard.model;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/** A stable name pointing at a model, e.g. {@code production}. */
@Schema(name = "Alias")
record Alias(
        @Schema(description = "Whose alias it is: each owner has its own names", example = "alice")
        String owner,

        @Schema(example = "production") String name,

        @Schema(example = "5b0c7f0e-3d6a-4c55-9a53-2f1f0c1d9e77")
        String modelId,

        Instant updatedAt) {

    /** One change of an alias: what it pointed to before and after (null after a delete), when, and by whom. */
    @Schema(name = "AliasChange")
    record Change(
            @Schema(description = "The model it points to from then on; null when the alias was deleted")
            String modelId,

            @Schema(description = "The model it pointed to before; null when it was created")
            String previousModelId,

            Instant at,

            @Schema(
                    description = "The key name that made the change (\"local\" without authentication)",
                    example = "local")
            String by) {}
}
