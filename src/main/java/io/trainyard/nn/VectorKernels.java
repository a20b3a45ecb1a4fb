package io.trainyard.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops of {@link SmallNetworkKernel}. Loaded only when {@link Simd#ENABLED}. Only
 * lane-wise fused multiply-adds, loads and stores: the same bits interpreted or compiled, and the
 * same as the scalar tails ({@link Math#fma}).
 *
 * <p><b>Why the methods are long.</b> Every method here that uses the Vector API is over 325 bytes
 * of bytecode (C2's {@code FreqInlineSize}), so C2 never inlines one into its caller and compiles it
 * on its own: its vector operations, whose intrinsics sit 7–8 calls deep inside the Vector API,
 * then always fit under {@code MaxInlineLevel} (15). Inlined into a training loop compiled later
 * they did not, and every vector operation ran its Java fallback (a buffer per operation), 5–10×
 * slower, in some fresh JVMs and not others (docs/benchmarks.md, session 16). A shorter helper
 * that uses the Vector API is called only from such a method, where it can be inlined one level deep.
 */
final class VectorKernels {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorKernels() {}

    /**
     * A whole layer's combinations: for every output {@code o < outs},
     * {@code dst[o·n + i] = init_o + Σ_q coeff[o·outStride + q·inStride] · src[q·n + i]} for
     * i in 0..n-1, accumulated by fused multiply-adds in q order, where {@code init_o} is
     * {@code bias[o]}, or 0 when {@code bias} is null. The forward product is
     * {@code (W, inStride h, outStride 1)}, the error sent down {@code (W, inStride 1, outStride h)}.
     *
     * <p><b>Why inputs in registers.</b> Combining one output row at a time (eight vectors of
     * samples per pass, as this class did until session 16) read every input row again for each
     * output: a load per multiply-add, and with the homework's five inputs chains too short to hide
     * the FMA's latency. Here four vectors of samples of four input rows stay in registers while
     * every output takes its sixteen multiply-adds from them; the next four continue each output's
     * sums from {@code dst}, and the one to three inputs left over join the last four while the
     * sums are still in registers. The order of every sum is unchanged
     * (q = 0, 1, …), so the bits are those of the row-at-a-time loop: init, then one fused
     * multiply-add per input.
     */
    static void layer(
            double[] src,
            int ins,
            int n,
            double[] coeff,
            int inStride,
            int outStride,
            int outs,
            double[] bias,
            double[] dst) {
        // With four inputs or more, whole chunks of four vectors go through blocks of four inputs;
        // the last block also takes the one to three inputs left over.
        int chunks = ins >= 4 ? n / (4 * L) * (4 * L) : 0;
        int blocked = ins / 4 * 4;
        for (int i = 0; i < chunks; i += 4 * L) {
            for (int q = 0; q < blocked; q += 4) {
                int extra = q + 4 == blocked ? ins - blocked : 0;
                fourInputsFourVectors(src, q, extra, n, i, coeff, inStride, outStride, outs, bias, q == 0, dst);
            }
        }
        // The samples after the chunks (all of them with fewer than four inputs), one vector at a
        // time, each output's inputs in order.
        for (int at = chunks, end = SPECIES.loopBound(n); at < end; at += L) {
            for (int q = 0; q < ins; q++) {
                DoubleVector x = DoubleVector.fromArray(SPECIES, src, q * n + at);
                for (int o = 0; o < outs; o++) {
                    int d = o * n + at;
                    DoubleVector acc = q == 0
                            ? DoubleVector.broadcast(SPECIES, bias == null ? 0.0 : bias[o])
                            : DoubleVector.fromArray(SPECIES, dst, d);
                    x.fma(DoubleVector.broadcast(SPECIES, coeff[o * outStride + q * inStride]), acc)
                            .intoArray(dst, d);
                }
            }
        }
        for (int i = SPECIES.loopBound(n); i < n; i++) {
            for (int o = 0; o < outs; o++) {
                double acc = bias == null ? 0.0 : bias[o];
                for (int q = 0; q < ins; q++) {
                    acc = Math.fma(src[q * n + i], coeff[o * outStride + q * inStride], acc);
                }
                dst[o * n + i] = acc;
            }
        }
    }

    /**
     * Inputs q..q+3 (and the {@code extra} inputs after them, 0 to 3) on the four vectors at samples
     * i.., for every output; {@code first}: start from the bias, else from {@code dst}.
     */
    private static void fourInputsFourVectors(
            double[] src,
            int q,
            int extra,
            int n,
            int i,
            double[] coeff,
            int inStride,
            int outStride,
            int outs,
            double[] bias,
            boolean first,
            double[] dst) {
        int s0 = q * n + i;
        DoubleVector x00 = DoubleVector.fromArray(SPECIES, src, s0);
        DoubleVector x01 = DoubleVector.fromArray(SPECIES, src, s0 + L);
        DoubleVector x02 = DoubleVector.fromArray(SPECIES, src, s0 + 2 * L);
        DoubleVector x03 = DoubleVector.fromArray(SPECIES, src, s0 + 3 * L);
        DoubleVector x10 = DoubleVector.fromArray(SPECIES, src, s0 + n);
        DoubleVector x11 = DoubleVector.fromArray(SPECIES, src, s0 + n + L);
        DoubleVector x12 = DoubleVector.fromArray(SPECIES, src, s0 + n + 2 * L);
        DoubleVector x13 = DoubleVector.fromArray(SPECIES, src, s0 + n + 3 * L);
        DoubleVector x20 = DoubleVector.fromArray(SPECIES, src, s0 + 2 * n);
        DoubleVector x21 = DoubleVector.fromArray(SPECIES, src, s0 + 2 * n + L);
        DoubleVector x22 = DoubleVector.fromArray(SPECIES, src, s0 + 2 * n + 2 * L);
        DoubleVector x23 = DoubleVector.fromArray(SPECIES, src, s0 + 2 * n + 3 * L);
        DoubleVector x30 = DoubleVector.fromArray(SPECIES, src, s0 + 3 * n);
        DoubleVector x31 = DoubleVector.fromArray(SPECIES, src, s0 + 3 * n + L);
        DoubleVector x32 = DoubleVector.fromArray(SPECIES, src, s0 + 3 * n + 2 * L);
        DoubleVector x33 = DoubleVector.fromArray(SPECIES, src, s0 + 3 * n + 3 * L);
        for (int o = 0; o < outs; o++) {
            int d = o * n + i;
            DoubleVector a0;
            DoubleVector a1;
            DoubleVector a2;
            DoubleVector a3;
            if (first) {
                a0 = DoubleVector.broadcast(SPECIES, bias == null ? 0.0 : bias[o]);
                a1 = a0;
                a2 = a0;
                a3 = a0;
            } else {
                a0 = DoubleVector.fromArray(SPECIES, dst, d);
                a1 = DoubleVector.fromArray(SPECIES, dst, d + L);
                a2 = DoubleVector.fromArray(SPECIES, dst, d + 2 * L);
                a3 = DoubleVector.fromArray(SPECIES, dst, d + 3 * L);
            }
            int c = o * outStride + q * inStride;
            DoubleVector k = DoubleVector.broadcast(SPECIES, coeff[c]);
            a0 = x00.fma(k, a0);
            a1 = x01.fma(k, a1);
            a2 = x02.fma(k, a2);
            a3 = x03.fma(k, a3);
            k = DoubleVector.broadcast(SPECIES, coeff[c + inStride]);
            a0 = x10.fma(k, a0);
            a1 = x11.fma(k, a1);
            a2 = x12.fma(k, a2);
            a3 = x13.fma(k, a3);
            k = DoubleVector.broadcast(SPECIES, coeff[c + 2 * inStride]);
            a0 = x20.fma(k, a0);
            a1 = x21.fma(k, a1);
            a2 = x22.fma(k, a2);
            a3 = x23.fma(k, a3);
            k = DoubleVector.broadcast(SPECIES, coeff[c + 3 * inStride]);
            a0 = x30.fma(k, a0);
            a1 = x31.fma(k, a1);
            a2 = x32.fma(k, a2);
            a3 = x33.fma(k, a3);
            // Inputs q+4.. q+3+extra from L1, while the sums are still in registers: a round trip of
            // every sum through dst per extra input cost more than these loads.
            for (int e = 4, s = s0 + 4 * n; e < 4 + extra; e++, s += n) {
                k = DoubleVector.broadcast(SPECIES, coeff[c + e * inStride]);
                a0 = DoubleVector.fromArray(SPECIES, src, s).fma(k, a0);
                a1 = DoubleVector.fromArray(SPECIES, src, s + L).fma(k, a1);
                a2 = DoubleVector.fromArray(SPECIES, src, s + 2 * L).fma(k, a2);
                a3 = DoubleVector.fromArray(SPECIES, src, s + 3 * L).fma(k, a3);
            }
            a0.intoArray(dst, d);
            a1.intoArray(dst, d + L);
            a2.intoArray(dst, d + 2 * L);
            a3.intoArray(dst, d + 3 * L);
        }
    }

    /**
     * {@code out[p·bRows + j] = Σ_i a[p·n + i] · b[j·n + i]} for every {@code p < aRows} and
     * {@code j < bRows}: all of a layer's weight gradients (A(l)ᵀ rows against Δ(l)ᵀ rows) in one
     * call. {@code scratch} holds at least {@code 16 · lanes()} values.
     *
     * <p><b>Why blocks.</b> One dot-product call per input row (until session 16) read every error
     * row again for each input, one load per multiply-add, and with a single output unit (the
     * homework's 20→1) each product was one dependent chain of multiply-adds, waiting on the FMA's
     * latency. Here a block of up to 4 × 4 products shares its loads (8 loads for 16 multiply-adds)
     * and keeps up to 16 independent chains in flight.
     *
     * <p><b>The same bits as one product at a time.</b> Each product still has its own lane
     * accumulator, summed over i in order from zero, then its lanes added in lane order and its
     * scalar tail last.
     */
    static void products(double[] a, int aRows, double[] b, int bRows, int n, double[] out, double[] scratch) {
        int length = SPECIES.loopBound(n);
        for (int p = 0, pn; p < aRows; p += pn) {
            pn = aRows - p >= 4 ? 4 : 1;
            for (int j = 0, jn; j < bRows; j += jn) {
                jn = bRows - j >= 4 ? 4 : 1;
                // The lanes of the block's products, product (pp, jj) at scratch[(pp·jn + jj)·L].
                if (pn == 4 && jn == 4) {
                    block4x4(a, p, b, j, n, length, scratch);
                } else if (pn == 4) {
                    fourAgainstOne(a, p, b, j, n, length, scratch);
                } else if (jn == 4) {
                    // One row of a against four of b: the same sums with a and b swapped, since
                    // x·y = y·x exactly, also inside a fused multiply-add.
                    fourAgainstOne(b, j, a, p, n, length, scratch);
                } else {
                    DoubleVector s = DoubleVector.zero(SPECIES);
                    for (int i = 0, a0 = p * n, b0 = j * n; i < length; i += L) {
                        s = DoubleVector.fromArray(SPECIES, a, a0 + i)
                                .fma(DoubleVector.fromArray(SPECIES, b, b0 + i), s);
                    }
                    s.intoArray(scratch, 0);
                }
                // Each product's lanes added in lane order, then its scalar tail.
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
        }
    }

    /**
     * The lanes of rows r..r+3 of x, each against row k of y, at {@code scratch[0], [L], [2L], [3L]}.
     * Called only from {@link #products}, which C2 never inlines, so its vector operations stay
     * shallow wherever products is called from.
     */
    private static void fourAgainstOne(double[] x, int r, double[] y, int k, int n, int length, double[] scratch) {
        DoubleVector s0 = DoubleVector.zero(SPECIES);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        for (int i = 0, x0 = r * n, y0 = k * n; i < length; i += L) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, y, y0 + i);
            s0 = DoubleVector.fromArray(SPECIES, x, x0 + i).fma(v, s0);
            s1 = DoubleVector.fromArray(SPECIES, x, x0 + n + i).fma(v, s1);
            s2 = DoubleVector.fromArray(SPECIES, x, x0 + 2 * n + i).fma(v, s2);
            s3 = DoubleVector.fromArray(SPECIES, x, x0 + 3 * n + i).fma(v, s3);
        }
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
    }

    /** The lanes of rows p..p+3 of a against rows j..j+3 of b, product (pp, jj) at {@code scratch[(4·pp + jj)·L]}. */
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

    /** Lanes of a vector: {@link #products} needs {@code 16 ·} this much scratch. */
    static int lanes() {
        return L;
    }
}
