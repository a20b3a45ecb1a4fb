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
        Instant createdAt,
        String owner) {

    /** The same data set, owned by {@code owner} (built-in ones belong to nobody). */
    public DatasetInfo ownedBy(String owner) {
        return new DatasetInfo(
                id, name, columns, features, targets, trainRows, testRows, validationRows, builtIn, createdAt, owner);
    }
}
