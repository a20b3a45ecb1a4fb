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
}
