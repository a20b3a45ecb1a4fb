package io.trainyard.model;

import java.util.List;

/**
 * Who still needs a model's weights. Implemented by the feature that warm-starts jobs from models
 * (jobs), so that this package can refuse to delete a model in use without depending on that feature,
 * as {@code dataset.DatasetUsage} does for data sets.
 */
public interface ModelUsage {

    /**
     * A queued or running job that starts from the model's weights.
     *
     * @param sweepId the sweep it is a member of, or null
     */
    record WarmStart(String jobId, String owner, String sweepId) {}

    /**
     * The queued or running jobs that warm-start from this model, oldest first; empty when it may go.
     * Called in the transaction that deletes it, and answered under the lock that admits new work,
     * held until that transaction ends: nothing can be queued on the model between this answer and
     * its deletion.
     */
    List<WarmStart> activeWarmStartsOf(String modelId);
}
