package io.trainyard.nn;

/**
 * Working memory of the engine, estimated from shapes before anything is allocated. All arithmetic
 * is in {@code long} and saturates at {@link Long#MAX_VALUE}: {@code rows × width} of a hostile
 * request must never wrap around to a small or negative number.
 */
public final class MemoryEstimate {

    private static final long DOUBLE_BYTES = Double.BYTES;

    private MemoryEstimate() {
    }

    /**
     * A forward pass over {@code rows} samples: every layer's output ({@code rows × width}) plus
     * the pre-activation it is computed from, for every layer including the (expanded) inputs.
     *
     * @param layerSizes {@code [inputs after basis expansion, hidden…, outputs]}
     */
    public static long prediction(int[] layerSizes, long rows) {
        long units = 0;
        for (int width : layerSizes) {
            units = saturatingAdd(units, width);
        }
        return saturatingMultiply(saturatingMultiply(rows, units), 2 * DOUBLE_BYTES);
    }

    /**
     * Training on {@code rows} samples: activations and deltas of every layer (the forward cache and
     * the backward pass), and parameters held about five times (weights, gradients, the best
     * weights for early stopping and up to two optimizer moments).
     */
    public static long training(int[] layerSizes, long rows, boolean bias) {
        long parameters = 0;
        for (int l = 0; l + 1 < layerSizes.length; l++) {
            long layer = saturatingAdd(saturatingMultiply(layerSizes[l], layerSizes[l + 1]), bias ? layerSizes[l + 1] : 0);
            parameters = saturatingAdd(parameters, layer);
        }
        long activations = prediction(layerSizes, rows);
        long parameterBytes = saturatingMultiply(parameters, 5 * DOUBLE_BYTES);
        return saturatingAdd(saturatingMultiply(activations, 2), parameterBytes);
    }

    static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return low;
        }
        return Long.MAX_VALUE;
    }

    static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
