package io.trainyard.nn;

/**
 * A running training at the history point just reported, valid only during
 * {@link TrainingListener#onIteration(IterationReport, TrainingView)}. Nothing here is computed
 * unless asked for.
 */
public interface TrainingView {

    /**
     * Everything needed to continue this run bit-identically from this point (a copy of the
     * weights and optimizer state: O(parameters)).
     */
    TrainingState checkpoint();

    /**
     * Gradient health at this point. Reuses the forward pass that produced the point's training
     * loss, so it costs one scan of the hidden activations.
     */
    Diagnostics diagnostics();
}
