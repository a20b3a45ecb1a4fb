package io.trainyard.nn;

/**
 * How a training run ended.
 *
 * @param updates how many gradient steps were applied
 * @param network the weights after those steps (non-finite when the run diverged)
 * @param last the last history point with a finite loss, or null if there was none
 * @param message for a run that did not complete, what happened, e.g.
 *     {@code "diverged at iteration 12: train loss is Infinity"}
 */
public record TrainingResult(Outcome outcome, int updates, Network network, IterationReport last, String message) {

    public enum Outcome {
        /** Every requested iteration ran. */
        COMPLETED,
        /** The caller asked to stop; the history so far stands. */
        CANCELLED,
        /** The loss stopped being a finite number. */
        DIVERGED
    }
}
