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
     * {@code out[p·bRows + j] = Σ_i a[p·n + i] · b[j·n + i]} for every {@code p < aRows} and
     * {@code j < bRows}: all of a layer's weight gradients (A(l)ᵀ rows against Δ(l)ᵀ rows) in one
     * call. {@code scratch} holds at least {@code 16 · lanes()} values.
     *
     * <p><b>Why blocks.</b> One {@link #dots} per input row read every error row again for each
     * input, one load per multiply-add, and with a single output unit (the homework's 20→1) each
     * product was one dependent chain of multiply-adds, waiting on the FMA's latency. Here a block
     * of up to 4 × 4 products shares its loads (8 loads for 16 multiply-adds) and keeps up to 16
     * independent chains in flight.
     *
     * <p><b>Same bits as {@link #dots}.</b> Each product still has its own lane accumulator, summed
     * over i in order from zero, then its lanes added in lane order and its scalar tail last.
     */
    static void products(double[] a, int aRows, double[] b, int bRows, int n, double[] out, double[] scratch) {
        int length = SPECIES.loopBound(n);
        int p = 0;
        for (; p + 4 <= aRows; p += 4) {
            int j = 0;
            for (; j + 4 <= bRows; j += 4) {
                block4x4(a, p, b, j, n, length, scratch);
                finish(a, p, 4, b, j, 4, bRows, n, length, out, scratch);
            }
            for (; j < bRows; j++) {
                block4x1(a, p, b, j, n, length, scratch);
                finish(a, p, 4, b, j, 1, bRows, n, length, out, scratch);
            }
        }
        for (; p < aRows; p++) {
            int j = 0;
            for (; j + 4 <= bRows; j += 4) {
                block1x4(a, p, b, j, n, length, scratch);
                finish(a, p, 1, b, j, 4, bRows, n, length, out, scratch);
            }
            for (; j < bRows; j++) {
                DoubleVector s = DoubleVector.zero(SPECIES);
                for (int i = 0, ai = p * n, bi = j * n; i < length; i += L) {
                    s = DoubleVector.fromArray(SPECIES, a, ai + i).fma(DoubleVector.fromArray(SPECIES, b, bi + i), s);
                }
                s.intoArray(scratch, 0);
                finish(a, p, 1, b, j, 1, bRows, n, length, out, scratch);
            }
        }
    }

    /**
     * The lane sums (in lane order) and scalar tails of a block's products, whose lanes are at
     * {@code scratch[(pp·jn + jj)·L ..]} for pp < pn, jj < jn.
     */
    private static void finish(
            double[] a,
            int p,
            int pn,
            double[] b,
            int j,
            int jn,
            int bRows,
            int n,
            int length,
            double[] out,
            double[] scratch) {
        for (int pp = 0; pp < pn; pp++) {
            for (int jj = 0; jj < jn; jj++) {
                double sum = 0.0;
                for (int k = 0, at = (pp * jn + jj) * L; k < L; k++) {
                    sum += scratch[at + k];
                }
                for (int i = length, ai = (p + pp) * n, bi = (j + jj) * n; i < n; i++) {
                    sum = Math.fma(a[ai + i], b[bi + i], sum);
                }
                out[(p + pp) * bRows + j + jj] = sum;
            }
        }
    }

    private static void block4x4(double[] a, int p, double[] b, int j, int n, int length, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(SPECIES);
        DoubleVector s01 = s00;
        DoubleVector s02 = s00;
        DoubleVector s03 = s00;
        DoubleVector s10 = s00;
        DoubleVector s11 = s00;
        DoubleVector s12 = s00;
        DoubleVector s13 = s00;
        DoubleVector s20 = s00;
        DoubleVector s21 = s00;
        DoubleVector s22 = s00;
        DoubleVector s23 = s00;
        DoubleVector s30 = s00;
        DoubleVector s31 = s00;
        DoubleVector s32 = s00;
        DoubleVector s33 = s00;
        int a0 = p * n;
        int b0 = j * n;
        for (int i = 0; i < length; i += L) {
            DoubleVector x0 = DoubleVector.fromArray(SPECIES, a, a0 + i);
            DoubleVector x1 = DoubleVector.fromArray(SPECIES, a, a0 + n + i);
            DoubleVector x2 = DoubleVector.fromArray(SPECIES, a, a0 + 2 * n + i);
            DoubleVector x3 = DoubleVector.fromArray(SPECIES, a, a0 + 3 * n + i);
            DoubleVector y = DoubleVector.fromArray(SPECIES, b, b0 + i);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            s20 = x2.fma(y, s20);
            s30 = x3.fma(y, s30);
            y = DoubleVector.fromArray(SPECIES, b, b0 + n + i);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            s21 = x2.fma(y, s21);
            s31 = x3.fma(y, s31);
            y = DoubleVector.fromArray(SPECIES, b, b0 + 2 * n + i);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            s22 = x2.fma(y, s22);
            s32 = x3.fma(y, s32);
            y = DoubleVector.fromArray(SPECIES, b, b0 + 3 * n + i);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
            s23 = x2.fma(y, s23);
            s33 = x3.fma(y, s33);
        }
        s00.intoArray(scratch, 0);
        s01.intoArray(scratch, L);
        s02.intoArray(scratch, 2 * L);
        s03.intoArray(scratch, 3 * L);
        s10.intoArray(scratch, 4 * L);
        s11.intoArray(scratch, 5 * L);
        s12.intoArray(scratch, 6 * L);
        s13.intoArray(scratch, 7 * L);
        s20.intoArray(scratch, 8 * L);
        s21.intoArray(scratch, 9 * L);
        s22.intoArray(scratch, 10 * L);
        s23.intoArray(scratch, 11 * L);
        s30.intoArray(scratch, 12 * L);
        s31.intoArray(scratch, 13 * L);
        s32.intoArray(scratch, 14 * L);
        s33.intoArray(scratch, 15 * L);
    }

    private static void block4x1(double[] a, int p, double[] b, int j, int n, int length, double[] scratch) {
        DoubleVector s0 = DoubleVector.zero(SPECIES);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int a0 = p * n;
        int b0 = j * n;
        for (int i = 0; i < length; i += L) {
            DoubleVector y = DoubleVector.fromArray(SPECIES, b, b0 + i);
            s0 = DoubleVector.fromArray(SPECIES, a, a0 + i).fma(y, s0);
            s1 = DoubleVector.fromArray(SPECIES, a, a0 + n + i).fma(y, s1);
            s2 = DoubleVector.fromArray(SPECIES, a, a0 + 2 * n + i).fma(y, s2);
            s3 = DoubleVector.fromArray(SPECIES, a, a0 + 3 * n + i).fma(y, s3);
        }
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
    }

    private static void block1x4(double[] a, int p, double[] b, int j, int n, int length, double[] scratch) {
        DoubleVector s0 = DoubleVector.zero(SPECIES);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int a0 = p * n;
        int b0 = j * n;
        for (int i = 0; i < length; i += L) {
            DoubleVector x = DoubleVector.fromArray(SPECIES, a, a0 + i);
            s0 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + i), s0);
            s1 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + n + i), s1);
            s2 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + 2 * n + i), s2);
            s3 = x.fma(DoubleVector.fromArray(SPECIES, b, b0 + 3 * n + i), s3);
        }
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
    }

    /** Lanes of a vector: {@link #products} needs {@code 16 ·} this much scratch. */
    static int lanes() {
        return L;
    }
}
