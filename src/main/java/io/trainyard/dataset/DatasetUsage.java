package io.trainyard.dataset;

import java.util.List;

/**
 * Who still needs a data set. Implemented by the feature that trains on data sets (jobs), so that
 * this package can refuse to delete data in use without depending on that feature.
 */
public interface DatasetUsage {

    /** A piece of queued or running work that reads a data set, and whose it is. */
    record User(String id, String owner) {}

    /**
     * The queued or running work that reads this data set; empty when it may go. Called in the
     * transaction that deletes it, and answered under the lock that admits new work, held until that
     * transaction ends: nothing can be queued on the data set between this answer and its deletion.
     */
    List<User> activeUsersOf(String datasetId);
}
