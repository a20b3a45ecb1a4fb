package io.trainyard.dataset;

import java.time.Instant;
import java.util.List;

/** What a data set is, without its numbers. */
public record DatasetInfo(
        String id,
        String name,
        List<String> columns,
        int features,
        int targets,
        int trainRows,
        int testRows,
        int validationRows,
        boolean builtIn,
        Instant createdAt) {}
