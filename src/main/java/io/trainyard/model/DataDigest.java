package io.trainyard.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The fingerprint of a model's training rows, so two models can be seen to come from the same
 * data without storing or sending the data.
 *
 * <p>Exact bytes (documented in docs/api.md, so anyone can recompute it): for each training row in
 * the order used, its input values {@code x[i][0..d-1]} then its target values
 * {@code y[i][0..k-1]}, each as the 8 bytes of its IEEE-754 binary64 encoding, big-endian
 * ({@link Double#doubleToLongBits}); nothing between rows or values. SHA-256 of that, lowercase hex.
 */
public final class DataDigest {

    private DataDigest() {}

    /**
     * @throws IllegalArgumentException when x and y do not have the same number of rows
     */
    public static String sha256(double[][] x, double[][] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " rows but y has " + y.length);
        }
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[8 * 1024];
        int used = 0;
        for (int i = 0; i < x.length; i++) {
            for (double[] part : new double[][] {x[i], y[i]}) {
                for (double v : part) {
                    if (used == buffer.length) {
                        digest.update(buffer, 0, used);
                        used = 0;
                    }
                    long bits = Double.doubleToLongBits(v);
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        buffer[used++] = (byte) (bits >>> shift);
                    }
                }
            }
        }
        digest.update(buffer, 0, used);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
