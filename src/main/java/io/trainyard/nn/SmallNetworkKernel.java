package io.trainyard.nn;

/**
 * Forward and backward passes for networks whose layers are all small (the homework's 5→20→1, the
 * studies' ten layers of 20): one Java pass per layer, no BLAS call, no allocation, no copy per
 * iteration.
 *
 * <p><b>Why a layout of its own.</b> With 5 inputs and 20 hidden units a row-major product is 400
 * tiny dot products or 20-wide rows, both too short for SIMD and dominated by call overhead through
 * JNI (≈ 5 µs per 400×5×20 call into OpenBLAS here). This kernel keeps every activation and error
 * <em>feature-major</em> (one row of n samples per unit, the transpose of {@link Propagation}'s
 * buffers), so every step is a long loop over samples: a unit's pre-activation is its bias plus
 * d scaled input rows (fused multiply-adds, four SIMD registers of samples at a time), its
 * activation is applied to that row while it is in L1, the error sent down is the same loop with W
 * read by rows and the activation's derivative applied at once, and a weight gradient is a dot
 * product of two rows of n. X and Y are transposed once, when the kernel is built.
 *
 * <p><b>Exactness.</b> Every value is a fixed sequence of IEEE fused multiply-adds, adds and
 * multiplies (lane sums are added in lane order by scalar code, never by a Vector API reduction,
 * whose order may change once the JIT compiles it), so a run's bits never depend on the JIT's
 * state or on other jobs; single-threaded, so not on the number of cores either.
 */
final class SmallNetworkKernel {

    /**
     * A network takes this path when no layer has more weights than this (d·h). Measured in
     * {@code bench/run}: see docs/benchmarks.md. System property {@code trainyard.fused.maxLayerWeights};
     * {@code -Dtrainyard.fused=false} switches the kernel off (every product on BLAS).
     */
    static final int MAX_LAYER_WEIGHTS = Integer.getInteger("trainyard.fused.maxLayerWeights", 2048);

    static final boolean ENABLED = !"false".equals(System.getProperty("trainyard.fused"));

    private final Network network;
    private final int[] sizes;
    /** Samples. */
    private final int n;
    /**
     * Row length: n rounded up to a multiple of 8 doubles (one AVX-512 register), so that every loop
     * runs on whole vectors; a masked tail costs more than the row on Java 17. The padding columns
     * of X are 0 and their errors are 0, so they add exact zeros to every gradient and no loss.
     */
    private final int m;

    private final int last;
    /** {@code act[0]} = Xᵀ (d × m); {@code act[l]} = A(l)ᵀ, {@code in[l]} = IN(l)ᵀ (sizes[l] × m). */
    private final double[][] in;

    private final double[][] act;
    /** Ŷᵀ and Yᵀ, k × m. */
    private final double[] output;

    private final double[] targets;
    /** {@code delta[l]} = (∂SSE/∂IN(l+1))ᵀ, sizes[l+1] × m. */
    private double[][] delta;

    private final double[] ones;
    private final double[] scratch = new double[64];

    static boolean fits(int[] sizes) {
        if (!ENABLED) {
            return false;
        }
        for (int l = 0; l + 1 < sizes.length; l++) {
            if ((long) sizes[l] * sizes[l + 1] > MAX_LAYER_WEIGHTS) {
                return false;
            }
        }
        return true;
    }

    SmallNetworkKernel(Network network, Samples samples) {
        this.network = network;
        this.sizes = network.layerSizes();
        this.n = samples.rows;
        this.m = (n + 7) / 8 * 8;
        this.last = sizes.length - 2;
        this.in = new double[last + 1][];
        this.act = new double[last + 1][];
        act[0] = transpose(samples.x, n, sizes[0], m);
        for (int l = 1; l <= last; l++) {
            in[l] = new double[m * sizes[l]];
            act[l] = network.activation() == Activation.NONE ? in[l] : new double[m * sizes[l]];
        }
        this.output = new double[m * sizes[last + 1]];
        this.targets = samples.y == null ? null : transpose(samples.y, n, sizes[last + 1], m);
        this.ones = new double[m];
        java.util.Arrays.fill(ones, 1.0);
    }

    /** Takes up the samples' current X and Y again (same shape), without allocating. */
    void reload(Samples samples) {
        transpose(samples.x, n, sizes[0], m, act[0]);
        if (targets != null) {
            transpose(samples.y, n, sizes[last + 1], m, targets);
        }
    }

    /** Computes Ŷ and every hidden layer's IN and A. */
    void forward() {
        double[][] w = network.weights;
        double[][] b = network.biases;
        Activation activation = network.activation();
        for (int l = 0; l <= last; l++) {
            int d = sizes[l];
            int h = sizes[l + 1];
            double[] source = act[l];
            double[] target = l == last ? output : in[l + 1];
            for (int j = 0; j < h; j++) {
                // IN(l+1)ᵀ row j = b_j + Σ_p W[p][j] · A(l)ᵀ row p
                combine(source, d, w[l], j, h, b == null ? 0.0 : b[l][j], target, j * m);
                if (l < last) {
                    activation.applyAll(target, act[l + 1], j * m, (j + 1) * m);
                }
            }
        }
    }

    double loss() {
        forward();
        return sumOfSquaredErrors();
    }

    /** Forward and backward pass; writes ∂SSE/∂W (row-major d × h) and ∂SSE/∂b into the given arrays. */
    double lossAndGradient(double[][] weightGradients, double[][] biasGradients) {
        forward();
        if (delta == null) {
            delta = new double[last + 1][];
            for (int l = 0; l <= last; l++) {
                delta[l] = new double[m * sizes[l + 1]];
            }
        }
        double sse = sumOfSquaredErrors();
        double[] outputDelta = delta[last];
        for (int j = 0, k = sizes[last + 1]; j < k; j++) {
            // ∂SSE/∂Ŷ = 2(Ŷ − Y) on the real samples; the padding keeps its zeros.
            for (int i = j * m, end = j * m + n; i < end; i++) {
                outputDelta[i] = 2.0 * (output[i] - targets[i]);
            }
        }
        double[][] w = network.weights;
        Activation activation = network.activation();
        for (int l = last; l >= 0; l--) {
            int d = sizes[l];
            int h = sizes[l + 1];
            double[] g = weightGradients[l];
            for (int p = 0; p < d; p++) {
                // ∂SSE/∂W[p][j] = A(l)ᵀ row p · Δ(l)ᵀ row j, for every j at once
                dots(act[l], p * m, delta[l], h, g, p * h);
            }
            if (biasGradients != null) {
                dots(ones, 0, delta[l], h, biasGradients[l], 0);
            }
            if (l > 0) {
                double[] prev = delta[l - 1];
                for (int p = 0; p < d; p++) {
                    // Δ(l-1)ᵀ row p = (Σ_j W[p][j] · Δ(l)ᵀ row j) ⊙ activation'(IN(l), A(l)) row p
                    combine(delta[l], h, w[l], p * h, 1, 0.0, prev, p * m);
                    activation.multiplyByDerivative(prev, in[l], act[l], p * m, (p + 1) * m);
                }
            }
        }
        return sse;
    }

    private double sumOfSquaredErrors() {
        double sum = 0.0;
        for (int j = 0, k = sizes[last + 1]; j < k; j++) {
            for (int i = j * m, end = j * m + n; i < end; i++) {
                double e = output[i] - targets[i];
                sum += e * e;
            }
        }
        return sum;
    }

    /** Writes the last forward pass into row-major buffers shaped like {@link Propagation}'s. */
    void copyForwardTo(double[][] rowMajorIn, double[][] rowMajorAct, double[] rowMajorOutput) {
        for (int l = 1; l <= last; l++) {
            transposeInto(in[l], sizes[l], rowMajorIn[l]);
            if (rowMajorAct[l] != rowMajorIn[l]) {
                transposeInto(act[l], sizes[l], rowMajorAct[l]);
            }
        }
        transposeInto(output, sizes[last + 1], rowMajorOutput);
    }

    /**
     * {@code dst[dstOffset + i] = init + Σ_r coeff[c0 + r·cStride] · src[r·m + i]} for i in 0..m-1,
     * accumulated by fused multiply-adds in r order.
     */
    private void combine(
            double[] src, int rows, double[] coeff, int c0, int cStride, double init, double[] dst, int dstOffset) {
        if (Simd.ENABLED) {
            VectorKernels.combine(src, rows, m, coeff, c0, cStride, init, dst, dstOffset);
            return;
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + m, init);
        for (int r = 0, s = 0, c = c0; r < rows; r++, s += m, c += cStride) {
            double k = coeff[c];
            for (int i = 0; i < m; i++) {
                dst[dstOffset + i] = Math.fma(src[s + i], k, dst[dstOffset + i]);
            }
        }
    }

    /** {@code out[o + j] = Σ_i a[a0 + i] · b[j·m + i]} for j in 0..rows-1. */
    private void dots(double[] a, int a0, double[] b, int rows, double[] out, int o) {
        if (Simd.ENABLED) {
            VectorKernels.dots(a, a0, b, rows, m, out, o, scratch);
            return;
        }
        for (int j = 0; j < rows; j++) {
            double sum = 0.0;
            for (int i = 0, bi = j * m; i < m; i++, bi++) {
                sum = Math.fma(a[a0 + i], b[bi], sum);
            }
            out[o + j] = sum;
        }
    }

    /** Row-major rows × cols to cols rows of length {@code stride}, zero-padded. */
    private static double[] transpose(double[] rowMajor, int rows, int cols, int stride) {
        return transpose(rowMajor, rows, cols, stride, new double[stride * cols]);
    }

    /** Writes the transpose into {@code t}; its padding columns are left as they are (zeros). */
    private static double[] transpose(double[] rowMajor, int rows, int cols, int stride, double[] t) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * stride + i] = rowMajor[i * cols + j];
            }
        }
        return t;
    }

    /** {@code featureMajor} is units rows of length m; {@code rowMajor} becomes n × units. */
    private void transposeInto(double[] featureMajor, int units, double[] rowMajor) {
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < n; i++) {
                rowMajor[i * units + j] = featureMajor[j * m + i];
            }
        }
    }
}
