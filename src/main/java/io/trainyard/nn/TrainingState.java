package io.trainyard.nn;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A checkpoint: everything a {@link Trainer} needs to continue a run bit-identically from one
 * history point — the weights, the optimizer's buffers and step counter, the batch-order
 * generator, the point-0 gradient norms (for diagnostics), the point itself, and early stopping's
 * best loss, best point, wait and best weights. Immutable: resuming copies it again, so one
 * checkpoint can be resumed any number of times.
 */
public final class TrainingState {

    /** Bumped whenever the encoding changes; {@link #decode} refuses other versions. */
    public static final byte FORMAT_VERSION = 1;

    final int iteration;
    final Network network;
    final OptimizerState optimizer;
    final long generator;
    final double[] firstGradientNorms;
    final IterationReport last;
    /** Early stopping; {@code bestIteration < 0} when the run has none. */
    final double best;

    final int bestIteration;
    final int wait;
    final IterationReport bestReport;
    /** The weights of {@code bestIteration}; null unless early stopping restores them. */
    final Network bestNetwork;

    TrainingState(
            int iteration,
            Network network,
            OptimizerState optimizer,
            long generator,
            double[] firstGradientNorms,
            IterationReport last,
            double best,
            int bestIteration,
            int wait,
            IterationReport bestReport,
            Network bestNetwork) {
        this.iteration = iteration;
        this.network = network;
        this.optimizer = optimizer;
        this.generator = generator;
        this.firstGradientNorms = firstGradientNorms;
        this.last = last;
        this.best = best;
        this.bestIteration = bestIteration;
        this.wait = wait;
        this.bestReport = bestReport;
        this.bestNetwork = bestNetwork;
    }

    /** The history point this state is at: the run has reported points {@code 0..iteration}. */
    public int iteration() {
        return iteration;
    }

    /** A copy of the weights at {@link #iteration()}. */
    public Network network() {
        return network.copy();
    }

    public Optimizer optimizer() {
        return optimizer.optimizer();
    }

    /** Optimizer steps taken (adam's {@code t}). */
    public long optimizerStep() {
        return optimizer.step();
    }

    /** The SplitMix64 state that orders the next epoch's batches. */
    public long generatorState() {
        return generator;
    }

    /** The report of point {@link #iteration()}. */
    public IterationReport last() {
        return last;
    }

    /** Early stopping's best point so far, or null for a run without early stopping. */
    public Integer bestIteration() {
        return bestIteration < 0 ? null : bestIteration;
    }

    /** Early stopping's points without improvement so far (0 without early stopping). */
    public int waitCount() {
        return wait;
    }

    /**
     * A compact binary form: a version byte, then little-endian ints, longs and IEEE-754 doubles
     * (raw bits, so NaN payloads and signed zeros survive). Array lengths follow from the layer
     * sizes, which come first.
     */
    public byte[] encode() {
        Out out = new Out(64
                + 8
                        * (int) Math.min(
                                Integer.MAX_VALUE / 16,
                                network.parameterCount()
                                        * (2 + optimizer.optimizer().slots())));
        out.putByte(FORMAT_VERSION);
        out.putInt(iteration);
        out.putLong(generator);
        writeNetworkShape(out, network);
        writeArrays(out, network.weights, network.biases);
        writeOptimizer(out);
        out.doubles(firstGradientNorms);
        writeReport(out, last);
        out.putInt(bestIteration);
        out.putDouble(best);
        out.putInt(wait);
        out.bool(bestReport != null);
        if (bestReport != null) {
            writeReport(out, bestReport);
        }
        out.bool(bestNetwork != null);
        if (bestNetwork != null) {
            writeArrays(out, bestNetwork.weights, bestNetwork.biases);
        }
        byte[] bytes = new byte[out.buffer.position()];
        out.buffer.flip().get(bytes);
        return bytes;
    }

    /**
     * Reads what {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException for another format version, a truncated or over-long
     *     input, or values that do not fit together
     */
    public static TrainingState decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte version = in.get();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("training state format version " + version
                        + " is not supported; this engine reads version " + FORMAT_VERSION);
            }
            int iteration = in.getInt();
            long generator = in.getLong();
            int[] sizes = new int[in.getInt()];
            if (sizes.length < 2 || sizes.length > 10_000) {
                throw new IllegalArgumentException("training state has " + sizes.length + " layer sizes");
            }
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = in.getInt();
            }
            Activation activation = Activation.fromId(string(in));
            boolean bias = in.get() != 0;
            Network network = readNetwork(in, sizes, activation, bias);
            Optimizer optimizer = readOptimizer(in);
            long step = in.getLong();
            double[][][] weightSlots = new double[optimizer.slots()][][];
            double[][][] biasSlots = bias ? new double[optimizer.slots()][][] : null;
            for (int s = 0; s < optimizer.slots(); s++) {
                double[][][] arrays = readArrays(in, sizes, bias);
                weightSlots[s] = arrays[0];
                if (bias) {
                    biasSlots[s] = arrays[1];
                }
            }
            OptimizerState optimizerState = new OptimizerState(optimizer, weightSlots, biasSlots);
            optimizerState.setStep(step);
            double[] first = readDoubles(in);
            IterationReport last = readReport(in);
            int bestIteration = in.getInt();
            double best = in.getDouble();
            int wait = in.getInt();
            IterationReport bestReport = in.get() != 0 ? readReport(in) : null;
            Network bestNetwork = in.get() != 0 ? readNetwork(in, sizes, activation, bias) : null;
            if (iteration < 0 || wait < 0 || bestIteration < -1 || bestIteration > iteration || step < 0) {
                throw new IllegalArgumentException("training state is inconsistent: iteration " + iteration + ", wait "
                        + wait + ", best iteration " + bestIteration + ", optimizer step " + step);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("training state has " + in.remaining() + " bytes after its end");
            }
            return new TrainingState(
                    iteration,
                    network,
                    optimizerState,
                    generator,
                    first,
                    last,
                    best,
                    bestIteration,
                    wait,
                    bestReport,
                    bestNetwork);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("training state is truncated (" + bytes.length + " bytes)", e);
        }
    }

    private void writeOptimizer(Out out) {
        Optimizer o = optimizer.optimizer();
        out.string(o.id());
        if (o instanceof Optimizer.Momentum m) {
            out.putDouble(m.beta());
        } else if (o instanceof Optimizer.Adam a) {
            out.putDouble(a.beta1());
            out.putDouble(a.beta2());
            out.putDouble(a.epsilon());
        }
        out.putLong(optimizer.step());
        for (int s = 0; s < o.slots(); s++) {
            writeArrays(out, optimizer.weightSlots[s], optimizer.biasSlots == null ? null : optimizer.biasSlots[s]);
        }
    }

    private static Optimizer readOptimizer(ByteBuffer in) {
        String id = string(in);
        return switch (id) {
            case "gd" -> Optimizer.gd();
            case "momentum" -> new Optimizer.Momentum(in.getDouble());
            case "adam" -> new Optimizer.Adam(in.getDouble(), in.getDouble(), in.getDouble());
            default -> throw new IllegalArgumentException("training state names an unknown optimizer '" + id + "'");
        };
    }

    private static void writeNetworkShape(Out out, Network network) {
        int[] sizes = network.layerSizes();
        out.putInt(sizes.length);
        for (int size : sizes) {
            out.putInt(size);
        }
        out.string(network.activation().id());
        out.bool(network.hasBias());
    }

    /** {@code W0, b0, W1, b1, …} (biases only when present), each as raw doubles. */
    private static void writeArrays(Out out, double[][] weights, double[][] biases) {
        for (int l = 0; l < weights.length; l++) {
            out.raw(weights[l]);
            if (biases != null) {
                out.raw(biases[l]);
            }
        }
    }

    private static Network readNetwork(ByteBuffer in, int[] sizes, Activation activation, boolean bias) {
        double[][][] arrays = readArrays(in, sizes, bias);
        return Network.ofArrays(sizes, activation, arrays[0], arrays[1]);
    }

    /** {@code {weights, biases}} as {@link #writeArrays} wrote them; biases null without bias. */
    private static double[][][] readArrays(ByteBuffer in, int[] sizes, boolean bias) {
        double[][] w = new double[sizes.length - 1][];
        double[][] b = bias ? new double[sizes.length - 1][] : null;
        for (int l = 0; l < w.length; l++) {
            if (sizes[l] < 1 || sizes[l + 1] < 1) {
                throw new IllegalArgumentException(
                        "training state has a layer of size " + Math.min(sizes[l], sizes[l + 1]));
            }
            w[l] = raw(in, (long) sizes[l] * sizes[l + 1]);
            if (bias) {
                b[l] = raw(in, sizes[l + 1]);
            }
        }
        return new double[][][] {w, b};
    }

    private static void writeReport(Out out, IterationReport report) {
        out.putInt(report.iteration());
        out.putDouble(report.trainLoss());
        out.nullableDouble(report.validationLoss());
        out.nullableDouble(report.testLoss());
        out.doubles(report.gradientNorms());
        out.doubles(report.weightNorms());
    }

    private static IterationReport readReport(ByteBuffer in) {
        int iteration = in.getInt();
        double train = in.getDouble();
        Double validation = in.get() != 0 ? in.getDouble() : null;
        Double test = in.get() != 0 ? in.getDouble() : null;
        return new IterationReport(iteration, train, validation, test, readDoubles(in), readDoubles(in));
    }

    /** A length (−1 for null) and the values. */
    private static double[] readDoubles(ByteBuffer in) {
        int length = in.getInt();
        return length < 0 ? null : raw(in, length);
    }

    private static double[] raw(ByteBuffer in, long length) {
        if (length > in.remaining() / Double.BYTES) {
            throw new IllegalArgumentException(
                    "training state is truncated: " + length + " values announced, " + in.remaining() + " bytes left");
        }
        double[] values = new double[(int) length];
        in.asDoubleBuffer().get(values);
        in.position(in.position() + values.length * Double.BYTES);
        return values;
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > 64) {
            throw new IllegalArgumentException("training state has a name of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A little-endian buffer that grows as needed. */
    private static final class Out {
        ByteBuffer buffer;

        Out(int capacity) {
            buffer = ByteBuffer.allocate(Math.max(64, capacity)).order(ByteOrder.LITTLE_ENDIAN);
        }

        void ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        void putByte(byte value) {
            ensure(1);
            buffer.put(value);
        }

        void putInt(int value) {
            ensure(Integer.BYTES);
            buffer.putInt(value);
        }

        void putLong(long value) {
            ensure(Long.BYTES);
            buffer.putLong(value);
        }

        void putDouble(double value) {
            ensure(Double.BYTES);
            buffer.putDouble(value);
        }

        void raw(double[] values) {
            ensure(values.length * Double.BYTES);
            buffer.asDoubleBuffer().put(values);
            buffer.position(buffer.position() + values.length * Double.BYTES);
        }

        void doubles(double[] values) {
            if (values == null) {
                putInt(-1);
                return;
            }
            putInt(values.length);
            raw(values);
        }

        void nullableDouble(Double value) {
            bool(value != null);
            if (value != null) {
                putDouble(value);
            }
        }

        void bool(boolean value) {
            putByte((byte) (value ? 1 : 0));
        }

        void string(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            ensure(4 + bytes.length);
            buffer.putInt(bytes.length);
            buffer.put(bytes);
        }
    }
}
