package io.trainyard.nn;

import java.util.Arrays;
import java.util.Locale;

/**
 * Stop when the monitored loss has not improved for {@code patience} history points. {@code best}
 * starts as the monitored loss at point 0; at each later point {@code i}, if
 * {@code loss_i < best − minDelta} then {@code best ← loss_i, bestIteration ← i, wait ← 0}, else
 * {@code wait ← wait + 1}; training stops after the first point where {@code wait = patience}.
 *
 * @param patience points without improvement that end the run, at least 1
 * @param minDelta how much lower a loss must be to count as an improvement, finite and at least 0
 * @param restoreBest whether the result holds the weights of {@code bestIteration} instead of the last point
 */
public record EarlyStopping(int patience, double minDelta, Monitor monitor, boolean restoreBest) {

    public static final double DEFAULT_MIN_DELTA = 0.0;

    public EarlyStopping {
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping patience must be at least 1, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early stopping minDelta must be a finite number >= 0, got " + minDelta);
        }
        if (monitor == null) {
            throw new IllegalArgumentException("early stopping needs a monitor (validation or train)");
        }
    }

    /** Patience with the defaults: minDelta 0, monitoring the validation loss, restoring the best weights. */
    public static EarlyStopping withPatience(int patience) {
        return new EarlyStopping(patience, DEFAULT_MIN_DELTA, Monitor.VALIDATION, true);
    }

    /** Which loss early stopping watches. */
    public enum Monitor {
        /** The validation loss (needs a validation set). */
        VALIDATION,
        /** The training loss. */
        TRAIN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException naming the accepted values */
        public static Monitor fromId(String id) {
            for (Monitor monitor : values()) {
                if (monitor.id().equalsIgnoreCase(id)) {
                    return monitor;
                }
            }
            throw new IllegalArgumentException("unknown early stopping monitor '" + id + "'; use one of "
                    + Arrays.stream(values()).map(Monitor::id).toList());
        }
    }
}
