package io.trainyard.nn;

/**
 * Receives every history point as training produces it, on the training thread. Implementations
 * must be quick: the next iteration waits for them.
 */
@FunctionalInterface
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = report -> {};

    void onIteration(IterationReport report);

    /**
     * What a {@link Trainer} calls for each point. {@code run} can take a checkpoint or compute
     * diagnostics at this point, paid for only when asked, and only during this call. The default
     * ignores {@code run}.
     */
    default void onIteration(IterationReport report, TrainingView run) {
        onIteration(report);
    }
}
