package io.trainyard.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops of {@link SmallNetworkKernel}. Loaded only when {@link Simd#ENABLED}. Only
 * lane-wise fused multiply-adds, loads and stores: the same bits interpreted or compiled, and the
 * same as the scalar tails ({@link Math#fma}).
 */
final class VectorKernels {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorKernels() {}

    /**
     * See {@code SmallNetworkKernel.combine}: eight vectors of samples per pass (then four, then one)
     * keep eight FMA chains in flight. With a homework input layer (5 rows) each chain is only five
     * multiply-adds long, so four chains left the FMA units waiting on latency: eight made the
     * 400×5→20 forward product 25 % faster alone and the whole iteration about 3 % (docs/benchmarks.md,
     * session 15). Every output still sums its rows in r order: the same bits.
     */
    static void combine(
            double[] src,
            int rows,
            int n,
            double[] coeff,
            int c0,
            int cStride,
            double init,
            double[] dst,
            int dstOffset) {
        DoubleVector start = DoubleVector.broadcast(SPECIES, init);
        int i = 0;
        for (; i + 8 * L <= n; i += 8 * L) {
            DoubleVector a0 = start;
            DoubleVector a1 = start;
            DoubleVector a2 = start;
            DoubleVector a3 = start;
            DoubleVector a4 = start;
            DoubleVector a5 = start;
            DoubleVector a6 = start;
            DoubleVector a7 = start;
            for (int r = 0, s = i, c = c0; r < rows; r++, s += n, c += cStride) {
                DoubleVector k = DoubleVector.broadcast(SPECIES, coeff[c]);
                a0 = DoubleVector.fromArray(SPECIES, src, s).fma(k, a0);
                a1 = DoubleVector.fromArray(SPECIES, src, s + L).fma(k, a1);
                a2 = DoubleVector.fromArray(SPECIES, src, s + 2 * L).fma(k, a2);
                a3 = DoubleVector.fromArray(SPECIES, src, s + 3 * L).fma(k, a3);
                a4 = DoubleVector.fromArray(SPECIES, src, s + 4 * L).fma(k, a4);
                a5 = DoubleVector.fromArray(SPECIES, src, s + 5 * L).fma(k, a5);
                a6 = DoubleVector.fromArray(SPECIES, src, s + 6 * L).fma(k, a6);
                a7 = DoubleVector.fromArray(SPECIES, src, s + 7 * L).fma(k, a7);
            }
            a0.intoArray(dst, dstOffset + i);
            a1.intoArray(dst, dstOffset + i + L);
            a2.intoArray(dst, dstOffset + i + 2 * L);
            a3.intoArray(dst, dstOffset + i + 3 * L);
            a4.intoArray(dst, dstOffset + i + 4 * L);
            a5.intoArray(dst, dstOffset + i + 5 * L);
            a6.intoArray(dst, dstOffset + i + 6 * L);
            a7.intoArray(dst, dstOffset + i + 7 * L);
        }
        for (; i + 4 * L <= n; i += 4 * L) {
            DoubleVector a0 = start;
            DoubleVector a1 = start;
            DoubleVector a2 = start;
            DoubleVector a3 = start;
            for (int r = 0, s = i, c = c0; r < rows; r++, s += n, c += cStride) {
                DoubleVector k = DoubleVector.broadcast(SPECIES, coeff[c]);
                a0 = DoubleVector.fromArray(SPECIES, src, s).fma(k, a0);
                a1 = DoubleVector.fromArray(SPECIES, src, s + L).fma(k, a1);
                a2 = DoubleVector.fromArray(SPECIES, src, s + 2 * L).fma(k, a2);
                a3 = DoubleVector.fromArray(SPECIES, src, s + 3 * L).fma(k, a3);
            }
            a0.intoArray(dst, dstOffset + i);
            a1.intoArray(dst, dstOffset + i + L);
            a2.intoArray(dst, dstOffset + i + 2 * L);
            a3.intoArray(dst, dstOffset + i + 3 * L);
        }
        for (; i + L <= n; i += L) {
            DoubleVector a0 = start;
            for (int r = 0, s = i, c = c0; r < rows; r++, s += n, c += cStride) {
                a0 = DoubleVector.fromArray(SPECIES, src, s).fma(DoubleVector.broadcast(SPECIES, coeff[c]), a0);
            }
            a0.intoArray(dst, dstOffset + i);
        }
        for (; i < n; i++) {
            double acc = init;
            for (int r = 0, s = i, c = c0; r < rows; r++, s += n, c += cStride) {
                acc = Math.fma(src[s], coeff[c], acc);
            }
            dst[dstOffset + i] = acc;
        }
    }

    /**
     * See {@code SmallNetworkKernel.dots}: the lanes of every product ({@link #dotLanes} over the
     * whole vectors), then each product's lane sum in lane order and its scalar tail.
     * {@code scratch} holds at least {@code rows · lanes()} values.
     */
    static void dots(double[] a, int a0, double[] b, int rows, int n, double[] out, int o, double[] scratch) {
        int bound = SPECIES.loopBound(n);
        dotLanes(a, a0, b, rows, n, bound, scratch);
        for (int j = 0, at = 0; j < rows; j++) {
            double sum = 0.0;
            for (int k = 0; k < L; k++) {
                sum += scratch[at++];
            }
            for (int i = bound, bi = j * n + bound; i < n; i++, bi++) {
                sum = Math.fma(a[a0 + i], b[bi], sum);
            }
            out[o + j] = sum;
        }
    }

    /** Lanes of a vector: {@link #dots} needs {@code rows ·} this much scratch. */
    static int lanes() {
        return L;
    }
    /**
     * The products of {@code a[a0 ..]} with rows 0..rows-1 of {@code b} (row length {@code n}) over
     * their first {@code length} values (a multiple of the lane count), each left as its
     * {@link #lanes()} lane sums at {@code lanes[j·L ..]}, for {@link #dots}. Four rows of b share
     * each load of a.
     */
    private static void dotLanes(double[] a, int a0, double[] b, int rows, int n, int length, double[] lanes) {
        int j = 0;
        for (; j + 4 <= rows; j += 4) {
            int b0 = j * n;
            DoubleVector s0 = DoubleVector.zero(SPECIES);
            DoubleVector s1 = s0;
            DoubleVector s2 = s0;
            DoubleVector s3 = s0;
            for (int i = 0; i < length; i += L) {
                DoubleVector x = DoubleVector.fromArray(SPECIES, a, a0 + i);
                s0 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + i), s0);
                s1 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + n + i), s1);
                s2 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + 2 * n + i), s2);
                s3 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + 3 * n + i), s3);
            }
            s0.intoArray(lanes, j * L);
            s1.intoArray(lanes, (j + 1) * L);
            s2.intoArray(lanes, (j + 2) * L);
            s3.intoArray(lanes, (j + 3) * L);
        }
        for (; j < rows; j++) {
            int b0 = j * n;
            DoubleVector s0 = DoubleVector.zero(SPECIES);
            for (int i = 0; i < length; i += L) {
                s0 = DoubleVector.fromArray(SPECIES, a, a0 + i).fma(DoubleVector.fromArray(SPECIES, b, b0 + i), s0);
            }
            s0.intoArray(lanes, j * L);
        }
    }
}
