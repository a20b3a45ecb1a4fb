package io.trainyard.nn;

import java.util.Arrays;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The engine's matrix kernels: the three products backpropagation needs, on row-major
 * {@code double[]} buffers, with bias and activation fused into the pass that produces them.
 *
 * <p>Products go to {@code dev.ludovic.netlib} BLAS, which is native OpenBLAS through JNI: the one
 * bundled in the jar for this platform ({@link NativeBlas}), else a system {@code libblas.so}, else
 * {@code VectorBLAS} (pure Java SIMD; needs {@code --add-modules jdk.incubator.vector}), else a
 * scalar Java BLAS. {@link #implementation()} names the one in use. Networks whose layers are all
 * small do not come here at all: {@link SmallNetworkKernel} trains them in one fused Java pass per
 * layer.
 *
 * <p><b>Determinism.</b> Large products are cut into row (or column) blocks of the <em>output</em>,
 * never along the summed dimension, and the cut depends only on the matrix shape, not on how many
 * threads exist or are busy. So every output element is computed by the same code in the same order
 * whichever thread runs its block and however many training runs share the process.
 */
public final class Gemm {

    /**
     * Below this many multiply-adds a product stays in the Java loops: 0 with native BLAS (its
     * JNI call costs less than the loops even at 400×5×20) and with VectorBLAS (measured at
     * 400×5→20→1: 0.074 ms per iteration with every product on VectorBLAS, 0.149 with the small ones
     * in the loops), 65,536 for the scalar Java BLAS. System property
     * {@code trainyard.gemm.blasMinMacs}; read once, so fixed for the life of the process.
     */
    static final long BLAS_MIN_MACS;
    /** Multiply-adds per block when a product is cut for several threads. */
    static final long BLOCK_MACS = 1L << 20;
    /** At most this many blocks per product: a constant, so the cut never depends on the machine. */
    static final int MAX_BLOCKS = 4;
    /** Bias gradients of at least this many values (2 MB) are summed in column blocks. */
    static final long COLUMN_SUMS_SPLIT = 1L << 18;

    private static final BLAS BLAS_INSTANCE;
    private static final String IMPLEMENTATION;

    /** Whether netlib was pointed at the OpenBLAS that came with the jar (see {@link NativeBlas}). */
    private static final NativeBlas.Outcome BUNDLED;

    static {
        BUNDLED = NativeBlas.load();
        BLAS blas;
        String name;
        try {
            blas = BLAS.getInstance();
            name = describe(blas, BUNDLED);
        } catch (RuntimeException | LinkageError e) {
            blas = null;
            name = "Java loops only (dev.ludovic.netlib BLAS unavailable: " + e + ")";
        }
        BLAS_INSTANCE = blas;
        String kind = blas == null ? "" : blas.getClass().getSimpleName();
        boolean fastBlas = kind.startsWith("JNI") || kind.equals("VectorBLAS");
        BLAS_MIN_MACS = Long.getLong("trainyard.gemm.blasMinMacs", fastBlas ? 0L : 1L << 16);
        IMPLEMENTATION = name + (Simd.ENABLED ? "; SIMD activations (jdk.incubator.vector)" : "; scalar activations")
                + (SmallNetworkKernel.ENABLED
                        ? "; networks whose layers have at most " + SmallNetworkKernel.MAX_LAYER_WEIGHTS
                                + " weights in the fused " + (Simd.ENABLED ? "SIMD" : "scalar") + " Java kernel"
                                + " (passes cut into up to " + SmallNetworkKernel.MAX_SHARDS + " shards on "
                                + (Crew.SHARED.helpers() + 1) + " thread(s))"
                        : "")
                + "; large products in up to " + MAX_BLOCKS + " blocks on " + (Crew.SHARED.helpers() + 1)
                + " thread(s)";
    }

    private Gemm() {}

    /**
     * Shards of the fused kernel that a job's thread ran again because the helper thread running them
     * was held up (see {@code Crew}), since the process started: for the metrics.
     */
    public static long helperBackups() {
        return Crew.SHARED.backupRuns();
    }

    /**
     * Which matrix kernels this process trains with, e.g.
     * {@code "dev.ludovic.netlib JNIBLAS (native system BLAS, e.g. OpenBLAS); ..."}; meant for the
     * start-up log.
     */
    public static String implementation() {
        return IMPLEMENTATION;
    }

    /** True when large products run in native code (JNI) rather than Java. */
    public static boolean isNative() {
        return BLAS_INSTANCE != null && BLAS_INSTANCE.getClass().getSimpleName().startsWith("JNI");
    }

    /** True when the native BLAS is the OpenBLAS that came with the jar rather than a system library. */
    public static boolean isBundledNative() {
        return isNative() && BUNDLED.loaded();
    }

    private static String describe(BLAS blas, NativeBlas.Outcome bundled) {
        String simple = blas.getClass().getSimpleName();
        return switch (simple) {
            case "JNIBLAS" ->
                bundled.loaded()
                        ? "dev.ludovic.netlib JNIBLAS (native OpenBLAS 0.3.31 bundled for " + NativeBlas.platform()
                                + ", " + NativeBlas.threads() + " BLAS thread(s), " + NativeBlas.kernels() + ")"
                        : "dev.ludovic.netlib JNIBLAS (native system BLAS: " + systemBlasName() + ", "
                                + systemBlasThreads() + ")";
            case "VectorBLAS" ->
                "dev.ludovic.netlib VectorBLAS (pure Java, jdk.incubator.vector SIMD; " + bundled.reason() + ")";
            default ->
                "dev.ludovic.netlib " + simple + " (pure Java, scalar; " + bundled.reason()
                        + "; add --add-modules jdk.incubator.vector for speed)";
        };
    }

    /** A system OpenBLAS's threads come from the environment (the launcher sets 1, io.trainyard.JvmRelaunch). */
    private static String systemBlasThreads() {
        String threads = System.getenv(NativeBlas.NUM_THREADS);
        return threads == null
                ? NativeBlas.NUM_THREADS + " unset: the library's own thread count"
                : NativeBlas.NUM_THREADS + "=" + threads;
    }

    private static String systemBlasName() {
        String path = System.getProperty(NativeBlas.NETLIB_PATH);
        return path != null ? path : "lib" + System.getProperty(NativeBlas.NETLIB_NAME, "blas") + ".so";
    }

    /**
     * {@code IN = A·W (+ bias on every row)} and {@code OUT = activation(IN)}, with A n×d, W d×h and
     * IN, OUT n×h. {@code bias} may be null; {@code activation} null means a linear layer (OUT is
     * not written). {@code out} may be {@code in}.
     */
    static void forward(
            double[] a,
            double[] w,
            double[] bias,
            double[] in,
            double[] out,
            Activation activation,
            int n,
            int d,
            int h) {
        long macs = (long) n * d * h;
        boolean blas = useBlas(macs);
        int count = blocksFor(macs, n);
        if (count == 1) {
            forwardRows(blas, a, w, bias, in, out, activation, d, h, 0, n);
        } else {
            blocks(count, n, (r0, r1) -> forwardRows(blas, a, w, bias, in, out, activation, d, h, r0, r1));
        }
    }

    private static void forwardRows(
            boolean blas,
            double[] a,
            double[] w,
            double[] bias,
            double[] in,
            double[] out,
            Activation activation,
            int d,
            int h,
            int r0,
            int r1) {
        if (blas) {
            double beta = 0.0;
            if (bias != null) {
                for (int i = r0; i < r1; i++) {
                    System.arraycopy(bias, 0, in, i * h, h);
                }
                beta = 1.0;
            }
            BLAS_INSTANCE.dgemm("N", "N", h, r1 - r0, d, 1.0, w, 0, h, a, r0 * d, d, beta, in, r0 * h, h);
            if (activation != null) {
                activation.applyAll(in, out, r0 * h, r1 * h);
            }
            return;
        }
        for (int i = r0; i < r1; i++) {
            int ci = i * h;
            if (bias == null) {
                Arrays.fill(in, ci, ci + h, 0.0);
            } else {
                System.arraycopy(bias, 0, in, ci, h);
            }
            int ai = i * d;
            for (int p = 0; p < d; p++) {
                double aip = a[ai + p];
                int bp = p * h;
                for (int j = 0; j < h; j++) {
                    in[ci + j] += aip * w[bp + j];
                }
            }
        }
        if (activation != null) {
            // Fused per block rather than per row: the block is still in cache, and the SIMD
            // activations want long ranges.
            activation.applyAll(in, out, r0 * h, r1 * h);
        }
    }

    /**
     * The error sent one layer down, through the activation:
     * {@code PREV = (Δ·Wᵀ) ⊙ activation'(IN, OUT)} with Δ n×h, W d×h and PREV, IN, OUT n×d.
     */
    static void backward(
            double[] delta,
            double[] w,
            double[] prev,
            double[] in,
            double[] out,
            Activation activation,
            int n,
            int d,
            int h) {
        long macs = (long) n * d * h;
        boolean blas = useBlas(macs);
        int count = blocksFor(macs, n);
        if (count == 1) {
            backwardRows(blas, delta, w, prev, in, out, activation, d, h, 0, n);
        } else {
            blocks(count, n, (r0, r1) -> backwardRows(blas, delta, w, prev, in, out, activation, d, h, r0, r1));
        }
    }

    private static void backwardRows(
            boolean blas,
            double[] delta,
            double[] w,
            double[] prev,
            double[] in,
            double[] out,
            Activation activation,
            int d,
            int h,
            int r0,
            int r1) {
        if (blas) {
            BLAS_INSTANCE.dgemm("T", "N", d, r1 - r0, h, 1.0, w, 0, h, delta, r0 * h, h, 0.0, prev, r0 * d, d);
            activation.multiplyByDerivative(prev, in, out, r0 * d, r1 * d);
            return;
        }
        for (int i = r0; i < r1; i++) {
            int di = i * h;
            int ci = i * d;
            for (int p = 0; p < d; p++) {
                int wp = p * h;
                double sum = 0.0;
                for (int j = 0; j < h; j++) {
                    sum += delta[di + j] * w[wp + j];
                }
                prev[ci + p] = sum;
            }
            activation.multiplyByDerivative(prev, in, out, ci, ci + d);
        }
    }

    /**
     * The weight gradient {@code G = Aᵀ·Δ} with A n×d, Δ n×h, G d×h. The sum runs over the n
     * samples; blocks split G's rows or columns, never the samples.
     */
    static void weightGradient(double[] a, double[] delta, double[] g, int n, int d, int h) {
        long macs = (long) n * d * h;
        if (!useBlas(macs)) {
            int count = blocksFor(macs, d);
            if (count == 1) {
                weightGradientRows(a, delta, g, n, d, h, 0, d);
            } else {
                blocks(count, d, (p0, p1) -> weightGradientRows(a, delta, g, n, d, h, p0, p1));
            }
        } else if (d >= h) {
            blocks(
                    blocksFor(macs, d),
                    d,
                    (p0, p1) -> BLAS_INSTANCE.dgemm(
                            "N", "T", h, p1 - p0, n, 1.0, delta, 0, h, a, p0, d, 0.0, g, p0 * h, h));
        } else {
            blocks(
                    blocksFor(macs, h),
                    h,
                    (j0, j1) ->
                            BLAS_INSTANCE.dgemm("N", "T", j1 - j0, d, n, 1.0, delta, j0, h, a, 0, d, 0.0, g, j0, h));
        }
    }

    private static void weightGradientRows(
            double[] a, double[] delta, double[] g, int n, int d, int h, int p0, int p1) {
        Arrays.fill(g, p0 * h, p1 * h, 0.0);
        for (int i = 0; i < n; i++) {
            int ai = i * d;
            int di = i * h;
            for (int p = p0; p < p1; p++) {
                double aip = a[ai + p];
                int cp = p * h;
                for (int j = 0; j < h; j++) {
                    g[cp + j] += aip * delta[di + j];
                }
            }
        }
    }

    /**
     * The bias gradient, Δ's column sums, cut into column blocks when Δ is large. The pass only streams
     * Δ from memory (4000×256 is 8 MB, beyond the L2 cache): on one thread it took 2.5 ms of a
     * 4000×100→256→256→1 iteration's 50 (JFR, session 28) while the other core waited. Columns are
     * summed independently, so every cut gives the single pass's bits.
     */
    static void columnSums(double[] delta, double[] sums, int n, int h) {
        int count = (long) n * h >= COLUMN_SUMS_SPLIT ? Math.min(MAX_BLOCKS, h / 16) : 1;
        if (count <= 1) {
            Dense.columnSums(delta, sums, n, h);
        } else {
            blocks(count, h, (j0, j1) -> Dense.columnSums(delta, sums, n, h, j0, j1));
        }
    }

    private static boolean useBlas(long macs) {
        return BLAS_INSTANCE != null && macs >= BLAS_MIN_MACS;
    }

    /** How many blocks a product of {@code macs} multiply-adds is cut into: a function of shape only. */
    static int blocksFor(long macs, int length) {
        return (int) Math.max(1, Math.min(Math.min(MAX_BLOCKS, length), macs / BLOCK_MACS));
    }

    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} on {@code count} equal, contiguous parts of {@code 0..length}. The calling
     * thread takes parts too, so a product finishes even when every helper is busy with other runs.
     */
    static void blocks(int count, int length, Range body) {
        if (count <= 1) {
            body.run(0, length);
            return;
        }
        // The fused kernel's crew: its helpers spin between products, so the next product's blocks
        // are taken at once (a pool that parked its threads made every product wait for a wake-up).
        Crew.SHARED.run(new Crew.Task(count, b -> body.run(start(b, count, length), start(b + 1, count, length))));
    }

    private static int start(int block, int count, int length) {
        return (int) ((long) length * block / count);
    }
}
