package io.trainyard.training;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.TrainingState;

/**
 * A job's checkpoint as stored: the engine's {@link TrainingState} and, for a warm-started job, the
 * preprocessing of its warm-start model. The model may be deleted while the job runs (it has the
 * weights by then); a resume after a stop or a crash must not need it, and the weights are in the
 * state but the model's mean and std are nowhere else.
 *
 * <p>Without preprocessing the bytes are exactly {@link TrainingState#encode()}, so checkpoints
 * written before this existed read as before. With it they start with {@link #WITH_PREPROCESSING}
 * (which no {@link TrainingState#FORMAT_VERSION} is), then the basis degree, whether normalised, the
 * column count, means and stds (little-endian), then the state.
 */
final class StoredCheckpoint {

    static final byte WITH_PREPROCESSING = 'P';

    private StoredCheckpoint() {}

    /** @param preprocessing null to store the state alone */
    static byte[] encode(TrainingState state, Preprocessing preprocessing) {
        byte[] engine = state.encode();
        if (preprocessing == null) {
            return engine;
        }
        double[] mean = preprocessing.normalize() ? preprocessing.mean() : new double[0];
        double[] std = preprocessing.normalize() ? preprocessing.std() : new double[0];
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + 1 + 4 + 16 * mean.length + engine.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(WITH_PREPROCESSING);
        out.putInt(preprocessing.basisDegree());
        out.put((byte) (preprocessing.normalize() ? 1 : 0));
        out.putInt(mean.length);
        for (double m : mean) {
            out.putDouble(m);
        }
        for (double s : std) {
            out.putDouble(s);
        }
        out.put(engine);
        return out.array();
    }

    /** @throws IllegalArgumentException for bytes that are not a checkpoint */
    static TrainingState state(byte[] bytes) {
        return TrainingState.decode(read(bytes).state());
    }

    /** The warm-start model's preprocessing, when the checkpoint carries it. */
    static Optional<Preprocessing> preprocessing(byte[] bytes) {
        return Optional.ofNullable(read(bytes).preprocessing());
    }

    private record Parts(Preprocessing preprocessing, byte[] state) {}

    private static Parts read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != WITH_PREPROCESSING) {
            return new Parts(null, bytes);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            in.get();
            int degree = in.getInt();
            boolean normalize = in.get() == 1;
            int columns = in.getInt();
            if (columns < 0 || columns > in.remaining() / 16) {
                throw new IllegalArgumentException("checkpoint preprocessing has " + columns + " columns");
            }
            double[] mean = new double[columns];
            double[] std = new double[columns];
            for (int c = 0; c < columns; c++) {
                mean[c] = in.getDouble();
            }
            for (int c = 0; c < columns; c++) {
                std[c] = in.getDouble();
            }
            Preprocessing preprocessing =
                    normalize ? Preprocessing.of(degree, mean, std) : Preprocessing.of(degree, null, null);
            return new Parts(preprocessing, Arrays.copyOfRange(bytes, in.position(), bytes.length));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("checkpoint preprocessing is truncated", e);
        }
    }
}
