package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DenseTests {

    @Test
    void aNormWhoseSquaresLeaveTheRangeOfADoubleIsStillItsValue() {
        // 1e200² overflows and 1e-200² underflows, but the norms themselves are ordinary doubles.
        assertThat(Dense.frobeniusNorm(new double[] {3e200, 4e200}, 2)).isCloseTo(5e200, within(1e186));
        assertThat(Dense.frobeniusNorm(new double[] {3e-200, 4e-200}, 2)).isCloseTo(5e-200, within(1e-214));
        assertThat(Dense.frobeniusNorm(new double[] {0, 0}, 2)).isZero();
        assertThat(Dense.frobeniusNorm(new double[] {1, Double.POSITIVE_INFINITY}, 2))
                .isInfinite();
        assertThat(Dense.frobeniusNorm(new double[] {1e200, Double.NaN}, 2)).isNaN();
        assertThat(Dense.frobeniusNorm(new double[] {Double.NaN, 1}, 2)).isNaN();
    }

    @Test
    void anOrdinaryNormKeepsItsBits() {
        double[] values = {0.3, -1.7, 2.9e-3, 4.1e5};
        double sum = 0;
        for (double v : values) {
            sum += v * v;
        }
        assertThat(Dense.frobeniusNorm(values, values.length)).isEqualTo(Math.sqrt(sum));
        assertThat(Dense.frobeniusNorm(values, 2)).isEqualTo(Math.sqrt(0.3 * 0.3 + 1.7 * 1.7));
    }

    @Test
    void biasGradientsCutIntoColumnBlocksHaveTheBitsOfOneRowOrderPass() {
        int n = 1100; // n·h above Gemm.COLUMN_SUMS_SPLIT, so the sums are cut into column blocks
        int h = 256;
        assertThat((long) n * h).isGreaterThanOrEqualTo(Gemm.COLUMN_SUMS_SPLIT);
        java.util.Random random = new java.util.Random(7);
        double[] delta = new double[n * h];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6); // rounding matters
        }
        double[] expected = new double[h];
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < n; i++) {
                expected[j] += delta[i * h + j];
            }
        }
        double[] sums = new double[h];
        java.util.Arrays.fill(sums, Double.NaN); // every column written
        Gemm.columnSums(delta, sums, n, h);
        assertThat(sums).containsExactly(expected);
        double[] small = new double[3];
        Gemm.columnSums(new double[] {1, 2, 3, 4, 5, 6}, small, 2, 3);
        assertThat(small).containsExactly(5, 7, 9);
    }
}
