package io.trainyard.training;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.TrainingState;

/**
 * A job's checkpoint as stored: the engine's {@link TrainingState} and, for a warm-started job, the
 * preprocessing of its warm-start model. The model may be deleted while the job runs (it has the
 * weights by then); a resume after a stop or a crash must not need it, and the weights are in the
 * state but the model's mean and std are nowhere else.
 *
 * <p>Stored bytes start with {@link #CHECKED} and the CRC-32C of what follows (4 bytes,
 * little-endian): a checkpoint changed in any bit after it was written (a damaged disk or page, a
 * hand edit) is refused as unreadable, and the job trains again from its seed, where a changed weight
 * was resumed without a word and finished with a false loss, and a changed iteration count skipped
 * 40,000 updates (found by a crash probe, session 20). What follows is the state alone, exactly
 * {@link TrainingState#encode()}, or, for a warm-started job, {@link #WITH_PREPROCESSING}, the basis
 * degree, whether normalised, the column count, means and stds (little-endian), then the state. Bytes
 * that start otherwise were written before the checksum and are read as before: neither
 * {@link #CHECKED} nor {@link #WITH_PREPROCESSING} is a {@link TrainingState#FORMAT_VERSION}.
 */
final class StoredCheckpoint {

    static final byte CHECKED = 'C';
    static final byte WITH_PREPROCESSING = 'P';

    private StoredCheckpoint() {}

    /** @param preprocessing null to store the state alone */
    static byte[] encode(TrainingState state, Preprocessing preprocessing) {
        byte[] body = body(state, preprocessing);
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(5 + body.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(CHECKED)
                .putInt((int) crc.getValue())
                .put(body)
                .array();
    }

    private static byte[] body(TrainingState state, Preprocessing preprocessing) {
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

    /** @throws IllegalArgumentException for bytes that are not a checkpoint, or not as they were written */
    static TrainingState state(byte[] bytes) {
        byte[] state = read(bytes).state();
        try {
            return TrainingState.decode(state);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bytes that pass no checksum (written before it) can hold any count: a negative array
            // size, a buffer read past its end. Unreadable, like any other damage.
            throw new IllegalArgumentException("training state is unreadable (" + e + ")", e);
        }
    }

    /** The warm-start model's preprocessing, when the checkpoint carries it. */
    static Optional<Preprocessing> preprocessing(byte[] bytes) {
        return Optional.ofNullable(read(bytes).preprocessing());
    }

    private record Parts(Preprocessing preprocessing, byte[] state) {}

    private static Parts read(byte[] stored) {
        byte[] bytes = verified(stored);
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

    /** What follows the checksum, once it matches; bytes written before checksums as they are. */
    private static byte[] verified(byte[] stored) {
        if (stored.length == 0 || stored[0] != CHECKED) {
            return stored;
        }
        if (stored.length < 5) {
            throw new IllegalArgumentException("checkpoint is truncated (" + stored.length + " bytes)");
        }
        int expected =
                ByteBuffer.wrap(stored, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        CRC32C crc = new CRC32C();
        crc.update(stored, 5, stored.length - 5);
        if ((int) crc.getValue() != expected) {
            throw new IllegalArgumentException("checkpoint does not match its checksum: changed since it was written");
        }
        return Arrays.copyOfRange(stored, 5, stored.length);
    }
}
