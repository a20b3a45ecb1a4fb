package io.trainyard.sweep;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A sweep as stored.
 *
 * @param base the base job spec as sent, seed filled in, inline data replaced by its stored copy's id
 * @param jobIds the member jobs in grid order: {@code jobIds[i]} trains {@code Grid.points()[i]}
 * @param owner the name of the key that created it (its members belong to the same owner)
 */
record Sweep(
        String id,
        String name,
        ObjectNode base,
        Map<String, List<JsonNode>> grid,
        SelectBy selectBy,
        List<String> jobIds,
        Instant createdAt,
        String owner) {}
