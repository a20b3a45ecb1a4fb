package io.trainyard.system;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The storage encoding of numbers: packed little-endian IEEE doubles (8 bytes each, no text). */
public final class DoubleArrays {

    private DoubleArrays() {}

    public static byte[] encode(double[] values) {
        return encode(values, values.length);
    }

    public static byte[] encode(double[] values, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values, 0, length);
        return buffer.array();
    }

    /** Row-major encoding of a rectangular matrix. */
    public static byte[] encode(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer buffer =
                ByteBuffer.allocate(rows.length * cols * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        var doubles = buffer.asDoubleBuffer();
        for (double[] row : rows) {
            doubles.put(row);
        }
        return buffer.array();
    }

    public static double[] decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        double[] values = new double[bytes.length / Double.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
        return values;
    }

    /** Decodes a row-major matrix with {@code cols} columns. */
    public static double[][] decode(byte[] bytes, int cols) {
        if (bytes == null) {
            return null;
        }
        double[] flat = decode(bytes);
        int rows = cols == 0 ? 0 : flat.length / cols;
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }
}
