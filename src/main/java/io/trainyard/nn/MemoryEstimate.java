package io.trainyard.nn;

/**
 * The working memory of one training run, estimated from sizes alone before anything is
 * allocated, so a job too large for the machine is refused at submission instead of failing
 * (or starving its neighbours) once it runs. All arithmetic is in {@code long} and saturates
 * instead of overflowing.
 *
 * <p>What is counted, in doubles of 8 bytes, mirroring what {@link Trainer} and {@link Propagation}
 * allocate:
 * <ul>
 *   <li>the data: each part's raw rows as decoded and split (inputs and targets, counted twice: the
 *       stored copy and the split copy), its inputs after preprocessing (the expanded matrix and
 *       the engine's packed copy) and its targets;</li>
 *   <li>per part, one forward workspace: pre-activations and activations of every hidden layer
 *       (one buffer when the activation is {@code none}) and the outputs; the training part also
 *       the deltas of every layer and the parameter gradients;</li>
 *   <li>with mini-batches, the same with gradients for a batch (and a smaller last batch), the
 *       batch's rows and the permutation ({@code int}s);</li>
 *   <li>the parameters (the starting network and the trained copy), the optimizer's
 *       {@link Optimizer#slots()} buffers per parameter, and with {@code restoreBest} the best
 *       weights.</li>
 * </ul>
 * Java object headers and the per-iteration reports (a few doubles per layer) are not counted.
 *
 * @param rawInputs input columns as stored (before basis expansion)
 * @param layerSizes {@code [inputs after preprocessing, hidden…, outputs]}
 */
public record MemoryEstimate(
        int rawInputs,
        int[] layerSizes,
        boolean bias,
        Activation activation,
        int trainRows,
        int validationRows,
        int testRows,
        Integer batchSize,
        Optimizer optimizer,
        boolean restoreBest) {

    private static final long DOUBLE = Double.BYTES;

    public MemoryEstimate {
        if (batchSize != null && batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer is required");
        }
    }

    /** The estimate in bytes. */
    public long bytes() {
        int outputs = layerSizes[layerSizes.length - 1];
        int inputs = layerSizes[0];
        long parameters = Network.parameterCount(layerSizes, bias);
        long doubles = 0;
        long rows = (long) trainRows + validationRows + testRows;
        doubles = add(doubles, times(times(rows, rawInputs + outputs), 2));
        doubles = add(doubles, times(rows, add(times(inputs, 2), outputs)));
        doubles = add(doubles, forward(trainRows));
        doubles = add(doubles, backward(trainRows, parameters));
        doubles = add(doubles, forward(validationRows));
        doubles = add(doubles, forward(testRows));
        if (batchSize != null && batchSize < trainRows) {
            int remainder = trainRows % batchSize;
            doubles = add(doubles, add(forward(batchSize), backward(batchSize, parameters)));
            doubles = add(doubles, times(batchSize, inputs + outputs));
            if (remainder > 0) {
                doubles = add(doubles, add(forward(remainder), backward(remainder, parameters)));
                doubles = add(doubles, times(remainder, inputs + outputs));
            }
            doubles = add(doubles, (trainRows + 1L) / 2); // the int permutation, in doubles
        }
        if (SmallNetworkKernel.fits(layerSizes)) {
            // The fused kernel keeps a transposed copy of every buffer beside Propagation's own.
            doubles = add(doubles, kernel(trainRows, true));
            doubles = add(doubles, kernel(validationRows, false));
            doubles = add(doubles, kernel(testRows, false));
            if (batchSize != null && batchSize < trainRows) {
                doubles = add(doubles, kernel(batchSize, true));
                doubles = add(doubles, kernel(trainRows % batchSize, true));
            }
        }
        long copies = 2 + optimizer.slots() + (restoreBest ? 1 : 0);
        doubles = add(doubles, times(parameters, copies));
        return times(doubles, DOUBLE);
    }

    /**
     * {@link SmallNetworkKernel}'s feature-major buffers for {@code rows} rows padded to a multiple of
     * 8: X and Y transposed, every layer's pre-activations and activations, the outputs, and for a
     * part that is trained on the deltas of every layer; for a kernel small enough for backups, a
     * copy of what a pass writes for each helper of this process's crew.
     */
    private long kernel(long rows, boolean withDeltas) {
        if (rows == 0) {
            return 0;
        }
        // Backups may give every further thread a copy of the buffers a pass writes (small kernels only).
        long copies = SmallNetworkKernel.backsUp(layerSizes, activation, rows, true, Crew.SHARED)
                ? times(SmallNetworkKernel.workspaceDoubles(layerSizes, activation, rows, true), Crew.SHARED.helpers())
                : 0;
        return add(copies, single(rows, withDeltas));
    }

    private long single(long rows, boolean withDeltas) {
        long padded = (rows + 7) / 8 * 8;
        long inputsAndTargets = times(padded, layerSizes[0] + 2L * layerSizes[layerSizes.length - 1]);
        long total = add(forward(padded), inputsAndTargets);
        if (withDeltas) {
            long widths = 0;
            for (int l = 1; l < layerSizes.length; l++) {
                widths += layerSizes[l];
            }
            total = add(total, times(padded, widths));
        }
        return add(total, padded);
    }

    /** Hidden pre-activations and activations, and the outputs, for {@code rows} rows. */
    private long forward(long rows) {
        if (rows == 0) {
            return 0;
        }
        long hidden = 0;
        for (int l = 1; l < layerSizes.length - 1; l++) {
            hidden += layerSizes[l];
        }
        long perHidden = activation == Activation.NONE ? 1 : 2;
        return add(times(rows, hidden * perHidden), times(rows, layerSizes[layerSizes.length - 1]));
    }

    /** Deltas of every layer for {@code rows} rows, and the parameter gradients. */
    private long backward(long rows, long parameters) {
        long widths = 0;
        for (int l = 1; l < layerSizes.length; l++) {
            widths += layerSizes[l];
        }
        return add(times(rows, widths), parameters);
    }

    /**
     * A forward pass over {@code rows} samples (predictions): every layer's output ({@code rows × width})
     * plus the pre-activation it is computed from, for every layer including the (expanded) inputs.
     *
     * @param layerSizes {@code [inputs after basis expansion, hidden…, outputs]}
     */
    public static long prediction(int[] layerSizes, long rows) {
        long units = 0;
        for (int width : layerSizes) {
            units = add(units, width);
        }
        return times(times(rows, units), 2 * DOUBLE);
    }

    private static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
