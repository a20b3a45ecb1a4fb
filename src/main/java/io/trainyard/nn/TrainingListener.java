package io.trainyard.nn;

/**
 * Receives every history point as training produces it, on the training thread. Implementations
 * must be quick: the next iteration waits for them.
 */
@FunctionalInterface
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = report -> {
    };

    void onIteration(IterationReport report);
}
