package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocked SIMD products against the same sums written out one product at a time, bit for bit. */
class VectorKernelsTests {

    /**
     * Every block shape (4×4, 4×1, 1×4, 1×1) and its edges: row counts that are and are not
     * multiples of 4, and lengths with and without a scalar tail.
     */
    @ParameterizedTest(name = "{0} × {1} rows of {2}")
    @CsvSource({"5, 20, 200", "20, 1, 200", "1, 20, 104", "4, 4, 8", "7, 9, 37", "3, 6, 1", "1, 1, 16", "9, 5, 0"})
    void everyProductHasTheBitsOfItsOwnLaneSumsInLaneOrder(int aRows, int bRows, int n) {
        assumeTrue(Simd.ENABLED, "the Vector API module is not in this JVM");
        SplittableRandom random = new SplittableRandom(aRows * 1000L + bRows * 10L + n);
        double[] a = new double[aRows * n];
        double[] b = new double[bRows * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextDouble(-3, 3);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextDouble(-3, 3);
        }
        double[] out = new double[aRows * bRows];
        java.util.Arrays.fill(out, Double.NaN);

        VectorKernels.products(a, aRows, b, bRows, n, out, new double[16 * VectorKernels.lanes()]);

        for (int p = 0; p < aRows; p++) {
            for (int j = 0; j < bRows; j++) {
                assertThat(Double.doubleToRawLongBits(out[p * bRows + j]))
                        .as("product %d·%d", p, j)
                        .isEqualTo(Double.doubleToRawLongBits(laneOrderProduct(a, p, b, j, n)));
            }
        }
    }

    /** What the kernel promises: lane k sums i ≡ k (mod lanes) in order, lanes added in order, then the tail. */
    private static double laneOrderProduct(double[] a, int p, double[] b, int j, int n) {
        int lanes = VectorKernels.lanes();
        int whole = n / lanes * lanes;
        double sum = 0.0;
        for (int k = 0; k < lanes; k++) {
            double lane = 0.0;
            for (int i = k; i < whole; i += lanes) {
                lane = Math.fma(a[p * n + i], b[j * n + i], lane);
            }
            sum += lane;
        }
        for (int i = whole; i < n; i++) {
            sum = Math.fma(a[p * n + i], b[j * n + i], sum);
        }
        return sum;
    }
}
