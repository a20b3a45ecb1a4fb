package io.trainyard.training;

import java.util.function.BooleanSupplier;

/**
 * A flag a training run checks between iterations: raised when the instance shuts down. A class
 * of its own rather than a lambda so that the engine's warm-up can train with the very class real
 * jobs use (see {@link EngineWarmup}): the JIT compiles the check for the classes it has seen.
 */
final class StopSignal implements BooleanSupplier {

    private volatile boolean raised;

    @Override
    public boolean getAsBoolean() {
        return raised;
    }

    void raise() {
        raised = true;
    }

    void lower() {
        raised = false;
    }
}
