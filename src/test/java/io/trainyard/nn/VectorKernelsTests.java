package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocked SIMD loops against the same sums written out one value at a time, bit for bit. */
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

    /**
     * Input counts below, at and above the block of four (with 1, 2 and 3 left over for the last
     * block), sample counts with a one-vector and a scalar tail, both stride orders (the forward product and the error sent down), with and
     * without a bias.
     */
    @ParameterizedTest(name = "{0} inputs → {1} outputs over {2}, forward {3}, bias {4}")
    @CsvSource({
        "5, 20, 200, true, true",
        "20, 1, 200, true, true",
        "1, 20, 104, false, false",
        "20, 5, 104, false, false",
        "3, 7, 37, true, false",
        "8, 3, 32, false, true",
        "9, 2, 5, true, true",
        "6, 4, 72, true, true",
        "7, 3, 40, false, true",
        "11, 2, 100, true, false"
    })
    void aLayerSumsEveryOutputInInputOrderFromItsBias(int ins, int outs, int n, boolean forward, boolean withBias) {
        assumeTrue(Simd.ENABLED, "the Vector API module is not in this JVM");
        SplittableRandom random = new SplittableRandom(ins * 1000L + outs * 10L + n);
        double[] src = new double[ins * n];
        for (int i = 0; i < src.length; i++) {
            src[i] = random.nextDouble(-3, 3);
        }
        double[] coeff = new double[ins * outs];
        for (int i = 0; i < coeff.length; i++) {
            coeff[i] = random.nextDouble(-1, 1);
        }
        double[] bias = withBias ? random.doubles(outs, -1, 1).toArray() : null;
        // W is ins × outs row-major going forward, outs × ins going down (the error sent back).
        int inStride = forward ? outs : 1;
        int outStride = forward ? 1 : ins;
        double[] dst = new double[outs * n];
        java.util.Arrays.fill(dst, Double.NaN);

        VectorKernels.layer(src, ins, n, coeff, inStride, outStride, outs, bias, dst);

        for (int o = 0; o < outs; o++) {
            for (int i = 0; i < n; i++) {
                double expected = bias == null ? 0.0 : bias[o];
                for (int q = 0; q < ins; q++) {
                    expected = Math.fma(src[q * n + i], coeff[o * outStride + q * inStride], expected);
                }
                assertThat(Double.doubleToRawLongBits(dst[o * n + i]))
                        .as("output %d, sample %d", o, i)
                        .isEqualTo(Double.doubleToRawLongBits(expected));
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
