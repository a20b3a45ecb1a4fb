package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.linear.RealMatrix;

/** Named tolerances and the one relative-error assertion the engine tests share. */
final class Tolerance {

    /** What the reference vectors promise: agreement to a relative error of 1e-9. */
    static final double REFERENCE = 1e-9;

    /** Below this magnitude an absolute error is compared instead of a relative one. */
    static final double ABSOLUTE_FLOOR = 1e-12;

    private Tolerance() {}

    static void assertClose(double actual, double expected, double relative, String what) {
        double error = Math.abs(actual - expected);
        double scale = Math.max(Math.abs(expected), Math.abs(actual));
        assertThat(error <= relative * scale || error <= ABSOLUTE_FLOOR)
                .as("%s: expected %s, got %s (relative error %s)", what, expected, actual, error / scale)
                .isTrue();
    }

    static void assertClose(double[] actual, double[] expected, double relative, String what) {
        assertThat(actual).as("%s length", what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertClose(actual[i], expected[i], relative, what + "[" + i + "]");
        }
    }

    static void assertClose(RealMatrix actual, RealMatrix expected, double relative, String what) {
        assertThat(actual.getRowDimension()).as("%s rows", what).isEqualTo(expected.getRowDimension());
        assertThat(actual.getColumnDimension()).as("%s columns", what).isEqualTo(expected.getColumnDimension());
        for (int r = 0; r < expected.getRowDimension(); r++) {
            for (int c = 0; c < expected.getColumnDimension(); c++) {
                assertClose(actual.getEntry(r, c), expected.getEntry(r, c), relative, what + "[" + r + "][" + c + "]");
            }
        }
    }
}
