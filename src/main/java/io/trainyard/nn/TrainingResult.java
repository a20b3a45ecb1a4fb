package io.trainyard.nn;

/**
 * How a training run ended.
 *
 * @param updates iterations completed: gradient steps for full batch, epochs with mini-batches
 * @param network the weights to keep: those of {@code networkPoint} (the best point when early
 *     stopping restored it, else the last point; non-finite when the run diverged)
 * @param last the last history point with a finite loss, or null if there was none
 * @param message for a run that did not complete, what happened, e.g.
 *     {@code "diverged at iteration 12: train loss is Infinity"}
 * @param stoppedEarly whether early stopping ended the run before its last iteration
 * @param bestIteration the best point of early stopping, null for a run without it
 * @param networkPoint the history point whose weights {@code network} holds (its losses are the
 *     model's); {@code last} unless early stopping restored an earlier best point
 * @param diagnostics gradient health at the last point, or null when the run has no point
 * @param state where the run stopped, to resume it exactly; only for a {@code CANCELLED} run
 */
public record TrainingResult(
        Outcome outcome,
        int updates,
        Network network,
        IterationReport last,
        String message,
        boolean stoppedEarly,
        Integer bestIteration,
        IterationReport networkPoint,
        Diagnostics diagnostics,
        TrainingState state) {

    /** A result without early stopping, diagnostics or resumable state. */
    public TrainingResult(Outcome outcome, int updates, Network network, IterationReport last, String message) {
        this(outcome, updates, network, last, message, false, null, last, null, null);
    }

    public enum Outcome {
        /** Every requested iteration ran, or early stopping ended the run. */
        COMPLETED,
        /** The caller asked to stop; the history so far stands. */
        CANCELLED,
        /** The loss stopped being a finite number. */
        DIVERGED
    }
}
