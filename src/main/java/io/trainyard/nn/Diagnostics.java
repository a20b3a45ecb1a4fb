package io.trainyard.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient health of a network at one history point: per weight matrix its gradient and weight
 * norms and the update ratio, for the hidden layer it feeds the share of dead and saturated units,
 * and flags that say what looks wrong and what to try.
 *
 * @param layers one entry per weight matrix {@code W0..WL}
 * @param flags problems found, in layer order; empty for a healthy network
 */
public record Diagnostics(List<Layer> layers, List<Flag> flags) {

    public static final String VANISHING_GRADIENTS = "vanishing-gradients";
    public static final String EXPLODING_GRADIENTS = "exploding-gradients";

    /** What to try when the loss of the starting weights, before any step, is not a finite number. */
    public static final String STARTING_LOSS_NOT_FINITE = "The loss of the starting weights is not a finite number, "
            + "before any step: the squared errors overflow a double. Rescale the targets (and the inputs, or set "
            + "normalize: true), or start from smaller weights (a smaller scale, or another warm-start model).";

    public static final String DEAD_UNITS = "dead-units";
    public static final String SATURATED_UNITS = "saturated-units";

    /**
     * A layer's gradient norm below this fraction of the largest one's is vanishing, unless the run
     * diverged or a norm is exploding: the largest is then no measure of a healthy gradient.
     */
    public static final double VANISHING_RATIO = 1e-4;
    /**
     * A gradient norm more than this many times its norm at point 0 is exploding, unless it is itself
     * vanishing beside the largest (then it is flagged as that).
     */
    public static final double EXPLODING_GROWTH = 1e4;
    /** At least this share of dead units or saturated activations raises a flag. */
    public static final double FLAGGED_SHARE = 0.5;
    /** Sigmoid outputs below 0.01 or above 0.99, and tanh outputs beyond ±0.99, are saturated. */
    public static final double SATURATION = 0.99;

    public Diagnostics {
        layers = List.copyOf(layers);
        flags = List.copyOf(flags);
    }

    /**
     * One weight matrix {@code Wl}.
     *
     * @param updateRatio {@code alpha·‖∇Wl‖/‖Wl‖}
     * @param deadShare for a relu hidden layer fed by {@code Wl}: the share of its units that are
     *     zero on every training row; null for the output matrix and other activations
     * @param saturatedShare for a sigmoid or tanh hidden layer fed by {@code Wl}: the share of its
     *     activations (rows × units) that are saturated; null otherwise
     */
    public record Layer(
            int layer,
            double gradientNorm,
            double weightNorm,
            double updateRatio,
            Double deadShare,
            Double saturatedShare) {

        /** {@code W0}, {@code W1}, … as in the API. */
        public String name() {
            return "W" + layer;
        }
    }

    /**
     * @param type one of the type constants above
     * @param layer the weight matrix index (the hidden layer it feeds, for unit flags), or null for
     *     the whole network (a diverged run)
     * @param detail what was seen and what to try
     */
    public record Flag(String type, Integer layer, String detail) {}

    /**
     * The diagnostics of {@code network} on its training rows: one forward pass.
     *
     * @param firstGradientNorms the gradient norms at point 0, for spotting explosions
     * @param gradientNorms the gradient norms at this point
     */
    public static Diagnostics of(
            Network network, Samples train, double alpha, double[] firstGradientNorms, double[] gradientNorms) {
        Propagation forward = new Propagation(network, train);
        forward.forward();
        double[] weightNorms = new double[network.depth()];
        for (int l = 0; l < weightNorms.length; l++) {
            weightNorms[l] = Dense.frobeniusNorm(network.weights[l], network.weights[l].length);
        }
        return compute(network, forward, alpha, firstGradientNorms, gradientNorms, weightNorms, false, false);
    }

    /**
     * @param forwarded a propagation over the training rows whose last forward pass used the
     *     weights of this point; null to skip unit shares (a diverged network has none worth reading)
     * @param gradientNorms the gradient norms at this point, null when there is no finite point
     * @param weightNorms the weight norms at this point, null when there is no finite point
     * @param diverged whether the run's loss stopped being finite (flagged as exploding)
     * @param normalizedInputs whether the inputs are normalised already: the advice then leaves
     *     {@code normalize: true} out (it told users of normalised jobs to normalise)
     */
    static Diagnostics compute(
            Network network,
            Propagation forwarded,
            double alpha,
            double[] firstGradientNorms,
            double[] gradientNorms,
            double[] weightNorms,
            boolean diverged,
            boolean normalizedInputs) {
        String normalize = normalizedInputs ? null : "normalize: true";
        int depth = gradientNorms == null ? 0 : network.depth();
        int[] sizes = network.layerSizes();
        Activation activation = network.activation();
        List<Layer> layers = new ArrayList<>(depth);
        List<Flag> flags = new ArrayList<>();
        double largest = 0;
        int largestLayer = 0;
        for (int l = 0; l < depth; l++) {
            if (gradientNorms[l] > largest) {
                largest = gradientNorms[l];
                largestLayer = l;
            }
        }
        // Beside a blown-up norm every other one looks vanishing, and the advice for vanishing gradients
        // (relu, fewer layers) is wrong for a run whose steps overshot: a diverged job's largest norm was
        // finite but 5e155 beside W0's 7e3. Only the exploding advice is given then.
        boolean exploding = diverged;
        for (int l = 0; l < depth && !exploding; l++) {
            exploding = explodes(firstGradientNorms, gradientNorms, largest, l);
        }
        if (diverged) {
            flags.add(new Flag(
                    EXPLODING_GRADIENTS,
                    null,
                    // No finite point at all: the starting weights' loss overflowed, so no step (and no
                    // alpha) is to blame.
                    gradientNorms == null
                            ? STARTING_LOSS_NOT_FINITE
                            : "The loss stopped being a finite number: the steps overshot. "
                                    + tryThese("a smaller alpha", normalize, "a smaller scale")));
        }
        for (int l = 0; l < depth; l++) {
            double g = gradientNorms[l];
            double w = weightNorms[l];
            Double dead = null;
            Double saturated = null;
            if (l + 1 < depth && forwarded != null) {
                double[] a = forwarded.activations(l + 1);
                dead = activation == Activation.RELU ? deadShare(a, forwarded.rows(), sizes[l + 1]) : null;
                saturated = activation == Activation.SIGMOID || activation == Activation.TANH
                        ? saturatedShare(a, forwarded.rows() * sizes[l + 1], activation)
                        : null;
            }
            layers.add(new Layer(l, g, w, alpha * g / w, dead, saturated));

            // Beside an infinite norm every finite one looks vanishing: that is the divergence, flagged above.
            if (!exploding && largest > 0 && Double.isFinite(largest) && g < VANISHING_RATIO * largest) {
                flags.add(new Flag(
                        VANISHING_GRADIENTS,
                        l,
                        String.format(
                                "The gradient of W%d (%.3g) is below %.0e times the largest, W%d's (%.3g), so W%d "
                                        + "barely learns. %s",
                                l,
                                g,
                                VANISHING_RATIO,
                                largestLayer,
                                largest,
                                l,
                                tryThese(
                                        normalize,
                                        "a scale near 1/sqrt(layer width)",
                                        "relu or tanh instead of sigmoid",
                                        "fewer layers"))));
            }
            double first = firstGradientNorms == null ? 0 : firstGradientNorms[l];
            if (!diverged && explodes(firstGradientNorms, gradientNorms, largest, l)) {
                flags.add(new Flag(
                        EXPLODING_GRADIENTS,
                        l,
                        String.format(
                                "The gradient of W%d grew from %.3g at point 0 to %.3g. %s",
                                l, first, g, tryThese("a smaller alpha", "a smaller scale", normalize))));
            }
            if (dead != null && dead >= FLAGGED_SHARE) {
                flags.add(new Flag(
                        DEAD_UNITS,
                        l,
                        String.format(
                                "%.0f%% of the relu units fed by W%d output zero on every training row and no "
                                        + "longer learn. %s",
                                100 * dead, l, tryThese("a smaller alpha", "a smaller scale", normalize, "tanh"))));
            }
            if (saturated != null && saturated >= FLAGGED_SHARE) {
                flags.add(new Flag(
                        SATURATED_UNITS,
                        l,
                        String.format(
                                "%.0f%% of the %s activations fed by W%d are saturated, where their gradient is "
                                        + "nearly zero. %s",
                                100 * saturated,
                                activation.id(),
                                l,
                                tryThese(normalize, "a smaller scale", "a smaller alpha"))));
            }
        }
        return new Diagnostics(layers, flags);
    }

    /**
     * Whether layer {@code l}'s gradient norm grew more than {@link #EXPLODING_GROWTH}-fold since point 0
     * and is not itself vanishing beside the largest. In a deep sigmoid network at a small scale the first
     * layer's gradient can grow 1e4-fold from 7e-15 to 1e-10 while the last layers' are near 1: that is a
     * gradient that vanishes (flagged so, with advice for a larger scale), not one that explodes (whose
     * advice, a smaller scale, would make it worse).
     */
    private static boolean explodes(double[] firstGradientNorms, double[] gradientNorms, double largest, int l) {
        double first = firstGradientNorms == null ? 0 : firstGradientNorms[l];
        double g = gradientNorms[l];
        boolean vanishingBesideTheLargest = Double.isFinite(largest) && g < VANISHING_RATIO * largest;
        return first > 0 && g > EXPLODING_GROWTH * first && !vanishingBesideTheLargest;
    }

    /**
     * "Try a, b, or c." over the remedies given, skipping nulls: a remedy already in place (normalised
     * inputs) is not advised.
     */
    static String tryThese(String... remedies) {
        List<String> left = new ArrayList<>();
        for (String remedy : remedies) {
            if (remedy != null) {
                left.add(remedy);
            }
        }
        return switch (left.size()) {
            case 0 -> "";
            case 1 -> "Try " + left.get(0) + ".";
            case 2 -> "Try " + left.get(0) + " or " + left.get(1) + ".";
            default ->
                "Try " + String.join(", ", left.subList(0, left.size() - 1)) + ", or " + left.get(left.size() - 1)
                        + ".";
        };
    }

    /** Units (columns) that are zero on every row. */
    private static double deadShare(double[] a, int rows, int units) {
        int dead = 0;
        for (int j = 0; j < units; j++) {
            boolean alive = false;
            for (int r = 0; r < rows && !alive; r++) {
                alive = a[r * units + j] != 0.0;
            }
            if (!alive) {
                dead++;
            }
        }
        return (double) dead / units;
    }

    private static double saturatedShare(double[] a, int length, Activation activation) {
        int saturated = 0;
        for (int i = 0; i < length; i++) {
            double v = a[i];
            boolean out =
                    activation == Activation.SIGMOID ? v < 1 - SATURATION || v > SATURATION : Math.abs(v) > SATURATION;
            if (out) {
                saturated++;
            }
        }
        return length == 0 ? 0 : (double) saturated / length;
    }
}
