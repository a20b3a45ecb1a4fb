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
 * buffers), so every step is a long loop over samples: a layer's pre-activations are its biases
 * plus d scaled input rows, computed for all units at once with four input rows of samples held in
 * SIMD registers ({@link VectorKernels#layer}); the activation is then applied to the whole layer; the
 * error sent down is the same kernel with W read by rows, times the activation's derivative; and a
 * layer's weight gradients are all the dot products of its input rows with its error rows, in
 * blocks that share their loads ({@link VectorKernels#products}). X and Y are transposed once, when
 * the kernel is built.
 *
 * <p><b>Shards.</b> Samples are independent until their gradients are summed, so a large enough
 * pass is cut into up to {@link #MAX_SHARDS} contiguous column ranges (multiples of 8 samples), each
 * run forward and backward on its own by the job's thread or a {@link Crew} helper, with one
 * gradient sum at the end: one hand-over per pass instead of one per product. How many shards, and
 * where they start, depends only on the network's sizes and the number of samples (and, for the
 * test rows in a round with the training pass, on whether that pass is cut: {@link #splitFor}).
 *
 * <p><b>Exactness.</b> Every value is a fixed sequence of IEEE fused multiply-adds, adds and
 * multiplies (lane sums are added in lane order by scalar code, never by a Vector API reduction,
 * whose order may change once the JIT compiles it; shard sums in shard order), so a run's bits never
 * depend on the JIT's state, on other jobs, or on which thread ran which shard: the same on one core
 * as on four.
 */
final class SmallNetworkKernel {

    /**
     * A network takes this path when no layer has more weights than this (d·h). Measured in
     * {@code bench/run}: see docs/benchmarks.md. System property {@code trainyard.fused.maxLayerWeights};
     * {@code -Dtrainyard.fused=false} switches the kernel off (every product on BLAS).
     */
    static final int MAX_LAYER_WEIGHTS = Integer.getInteger("trainyard.fused.maxLayerWeights", 2048);

    static final boolean ENABLED = !"false".equals(System.getProperty("trainyard.fused"));

    /** Shards a pass is cut into at most: a constant, so the cut never depends on the machine. */
    static final int MAX_SHARDS = 4;

    /**
     * Work per shard at least, in multiply-adds (an activation counts as {@link #ACTIVATION_WORK}):
     * below it the hand-over and the shard's own loop overheads cost more than it saves (measured
     * at 16,384, 32,768 and 65,536 in docs/benchmarks.md). The homework's 400 training rows make 2
     * shards, its 100 test rows 1; ten layers of 20 on 400 rows make 4. System property
     * {@code trainyard.fused.shardWork}.
     */
    static final long SHARD_WORK = Long.getLong("trainyard.fused.shardWork", 65_536);

    /** An exponential and a division cost about as much as this many multiply-adds. */
    private static final int ACTIVATION_WORK = 16;

    /**
     * A kernel whose working buffers (everything a pass writes, {@link #workspaceDoubles}) are at most
     * this many doubles (4 MiB) runs its passes with backups ({@link Crew}): each runner then has
     * buffers of its own for a shard it runs, at most {@link Crew#MAX_HELPERS} more copies. Larger
     * kernels have long shards, which a helper losing its core delays by a smaller share, and buffers
     * too large to copy lightly.
     */
    static final long BACKUP_MAX_DOUBLES = 1L << 19;

    /** {@code -Dtrainyard.fused.backups=false} switches backups off (for comparisons: {@code bench/contention}). */
    static final boolean BACKUPS = !"false".equals(System.getProperty("trainyard.fused.backups"));

    private final Network network;
    private final int[] sizes;
    private final int last;
    /** Samples. */
    private final int n;
    /**
     * Shard s covers samples {@code first[s]..first[s+1]-1}; every shard but the last has a multiple
     * of 8 samples, so only the last has padding columns.
     */
    private int[] first;
    /**
     * Each shard has buffers of its own, never a range of shared ones: neighbouring shards writing
     * the two ends of one cache line (false sharing) cost more than the shards saved.
     */
    private Shard[] shards;

    private final Crew crew;
    /** The samples the shards hold (the last {@link #reload}ed), for a new cut ({@link #splitFor}). */
    private Samples samples;
    /** Whether a shard may run twice in a round (see {@link Crew}): each runner then has its own buffers. */
    private final boolean backups;

    private Crew.Task pass;
    /** What the shards of the current pass do. */
    private Mode mode;

    private double[][] weightGradients;
    private double[][] biasGradients;

    private enum Mode {
        FORWARD,
        LOSS,
        GRADIENT
    }

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

    /** How many shards a pass over {@code rows} samples is cut into: a function of the shape only. */
    static int shardsFor(int[] sizes, int rows) {
        long padded = (rows + 7) / 8 * 8;
        long perSample = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            perSample += (long) sizes[l] * sizes[l + 1];
            if (l + 2 < sizes.length) {
                perSample += (long) ACTIVATION_WORK * sizes[l + 1];
            }
        }
        long byWork = padded * perSample / Math.max(1, SHARD_WORK);
        return (int) Math.max(1, Math.min(Math.min(MAX_SHARDS, padded / 8), byWork));
    }

    /**
     * The doubles a pass over {@code rows} samples writes (hidden pre-activations and activations,
     * outputs, and for a trained part the deltas of every layer), padded as the shards pad them: one
     * runner's buffers. {@link MemoryEstimate} counts the copies backups may add from the same sum.
     */
    static long workspaceDoubles(int[] sizes, Activation activation, long rows, boolean withDeltas) {
        long padded = (rows + 7) / 8 * 8 + 8L * MAX_SHARDS;
        long perSample = sizes[sizes.length - 1];
        for (int l = 1; l < sizes.length - 1; l++) {
            perSample += (activation == Activation.NONE ? 1L : 2L) * sizes[l];
        }
        if (withDeltas) {
            for (int l = 1; l < sizes.length; l++) {
                perSample += sizes[l];
            }
        }
        return padded * perSample;
    }

    /**
     * Whether a kernel over {@code rows} samples runs its passes with backups on {@code crew}: the one
     * rule, for the kernel and for the copies {@link MemoryEstimate} counts.
     */
    static boolean backsUp(int[] sizes, Activation activation, long rows, boolean withDeltas, Crew crew) {
        return BACKUPS
                && crew.helpers() > 0
                && workspaceDoubles(sizes, activation, rows, withDeltas) <= BACKUP_MAX_DOUBLES;
    }

    SmallNetworkKernel(Network network, Samples samples) {
        this(network, samples, Crew.SHARED);
    }

    SmallNetworkKernel(Network network, Samples samples, Crew crew) {
        this.network = network;
        this.sizes = network.layerSizes();
        this.last = sizes.length - 2;
        this.n = samples.rows;
        this.samples = samples;
        this.crew = crew;
        this.backups = backsUp(sizes, network.activation(), n, samples.y != null, crew);
        cut(evenCut(n, shardsFor(sizes, n)));
    }

    /** The samples cut into {@code count} shards of whole vectors (the last takes the rest). */
    private static int[] evenCut(int n, int count) {
        int groups = (n + 7) / 8;
        int[] starts = new int[count + 1];
        for (int s = 0; s < count; s++) {
            starts[s] = 8 * (int) ((long) groups * s / count);
        }
        starts[count] = n;
        return starts;
    }

    /** Shards starting at {@code starts} (the number of samples last), with fresh buffers. */
    private void cut(int[] starts) {
        int count = starts.length - 1;
        first = starts;
        shards = new Shard[count];
        for (int s = 0; s < count; s++) {
            shards[s] = new Shard(samples, first[s], first[s + 1]);
        }
        pass = new Crew.Task(count, this::runShard, backups);
    }

    /** Takes up the samples' current X and Y again (same shape), without allocating. */
    void reload(Samples samples) {
        this.samples = samples;
        for (Shard shard : shards) {
            shard.reload(samples);
        }
    }

    /** Computes Ŷ and every hidden layer's IN and A. */
    void forward() {
        mode = Mode.FORWARD;
        run(pass);
    }

    double loss() {
        mode = Mode.LOSS;
        run(pass);
        return totalLoss();
    }

    /** Forward and backward pass; writes ∂SSE/∂W (row-major d × h) and ∂SSE/∂b into the given arrays. */
    double lossAndGradient(double[][] weightGradients, double[][] biasGradients) {
        prepareGradient(weightGradients, biasGradients);
        run(pass);
        return finishGradient();
    }

    private void run(Crew.Task task) {
        crew.run(task);
        takeResults(task);
    }

    /** Each shard's results are now those of the run that counted (a pass of this kernel's own). */
    private void takeResults(Crew.Task task) {
        for (int s = 0; s < shards.length; s++) {
            shards[s].take(task.winner(s));
        }
    }

    /**
     * The training pass with its gradient and the losses of {@code others} (validation, test: the
     * same network), all at the current weights, as one round of shards: one hand-over instead of
     * one per set. {@code task} comes from {@link #jointTask}.
     *
     * @return the training loss; {@code losses[i]} is the loss of {@code others[i]}
     */
    double lossAndGradientWith(
            SmallNetworkKernel[] others,
            Joint joint,
            double[][] weightGradients,
            double[][] biasGradients,
            double[] losses) {
        prepareGradient(weightGradients, biasGradients);
        for (SmallNetworkKernel other : others) {
            other.mode = Mode.LOSS;
        }
        crew.run(joint.task);
        joint.takeResults();
        for (int i = 0; i < others.length; i++) {
            losses[i] = others[i].totalLoss();
        }
        return finishGradient();
    }

    /**
     * One round of shards over this kernel and others, for {@link #lossAndGradientWith}. The round's
     * order: the first half of every kernel's shards, then the second halves in reverse. The caller
     * claims from the front and helpers from the back ({@link Crew.Task}), so on two cores the caller
     * runs the first training shard and the first part of the others' rows, a helper the last training
     * shard and their last part; which thread ran a shard never changes a bit.
     */
    static final class Joint {
        private final SmallNetworkKernel[] kernels;
        /** Task shard i is shard {@code shardOf[i]} of kernel {@code kernelOf[i]}. */
        private final int[] kernelOf;

        private final int[] shardOf;
        /** Kernel k's shard s is task shard {@code taskShard[k][s]}. */
        private final int[][] taskShard;

        private final Crew.Task task;

        private Joint(SmallNetworkKernel[] kernels) {
            this.kernels = kernels;
            int total = 0;
            boolean backups = true;
            for (SmallNetworkKernel kernel : kernels) {
                total += kernel.shards.length;
                backups &= kernel.backups;
            }
            this.kernelOf = new int[total];
            this.shardOf = new int[total];
            this.taskShard = new int[kernels.length][];
            int i = 0;
            for (int k = 0; k < kernels.length; k++) {
                taskShard[k] = new int[kernels[k].shards.length];
                for (int s = 0; s < (kernels[k].shards.length + 1) / 2; s++) {
                    place(i++, k, s);
                }
            }
            for (int k = kernels.length - 1; k >= 0; k--) {
                for (int s = (kernels[k].shards.length + 1) / 2; s < kernels[k].shards.length; s++) {
                    place(i++, k, s);
                }
            }
            this.task = new Crew.Task(total, this::runShard, backups);
        }

        private void place(int i, int k, int s) {
            kernelOf[i] = k;
            shardOf[i] = s;
            taskShard[k][s] = i;
        }

        private void runShard(int shard, int runner) {
            kernels[kernelOf[shard]].runShard(shardOf[shard], runner);
        }

        private void takeResults() {
            for (int k = 0; k < kernels.length; k++) {
                for (int s = 0; s < kernels[k].shards.length; s++) {
                    kernels[k].shards[s].take(task.winner(taskShard[k][s]));
                }
            }
        }
    }

    /**
     * The round that runs this kernel's shards and those of {@code others}, for {@link
     * #lossAndGradientWith}. Call it before any pass: it may cut the others again ({@link #splitFor}).
     */
    Joint jointTask(SmallNetworkKernel[] others) {
        splitFor(others);
        SmallNetworkKernel[] all = new SmallNetworkKernel[others.length + 1];
        all[0] = this;
        System.arraycopy(others, 0, all, 1, others.length);
        return new Joint(all);
    }

    /**
     * Cuts each of {@code others} that is one shard (a homework job's 100 test rows) in two, when this
     * training pass is cut too. A round of two training halves and one test shard left a helper, which
     * claims from the back, the test shard and then the second half: about 70 training rows' work more
     * than the caller, who waited for it. With the test rows in two, each of two threads takes a
     * training half and a test half ({@link Joint}'s order), and on more cores every shard has a thread
     * of its own. (Giving the caller's training shard the test shard's extra work instead was faster
     * on two cores, but its shard would then be the round's longest on three or more.) Still a function
     * of the shapes alone, never of the crew: a run's bits do not depend on its threads.
     */
    private void splitFor(SmallNetworkKernel[] others) {
        if (shards.length < 2) {
            return;
        }
        for (SmallNetworkKernel other : others) {
            if (other.shards.length == 1 && other.n >= 16) {
                other.cut(evenCut(other.n, 2));
            }
        }
    }

    /** Where each shard starts, and the number of samples last (for tests). */
    int[] shardStarts() {
        return first.clone();
    }

    private void prepareGradient(double[][] weightGradients, double[][] biasGradients) {
        this.weightGradients = weightGradients;
        this.biasGradients = biasGradients;
        mode = Mode.GRADIENT;
    }

    private double finishGradient() {
        if (shards.length > 1 || backups) {
            // Shard sums in shard order: the same bits whichever thread ran which shard.
            for (int l = 0; l <= last; l++) {
                sumShards(l, weightGradients[l], false);
                if (biasGradients != null) {
                    sumShards(l, biasGradients[l], true);
                }
            }
        }
        return totalLoss();
    }

    /**
     * Each shard's gradient is summed over its samples by the thread that ran it, and only the sums
     * meet here, in shard order: a shard's unsummed SIMD lanes would be eight times as many values
     * to move between cores every pass (measured: slower than the lane sums they save).
     */
    private void sumShards(int l, double[] total, boolean bias) {
        System.arraycopy(shards[0].results.gradient(l, bias), 0, total, 0, total.length);
        for (int s = 1; s < shards.length; s++) {
            double[] part = shards[s].results.gradient(l, bias);
            for (int k = 0; k < total.length; k++) {
                total[k] += part[k];
            }
        }
    }

    private double totalLoss() {
        double sum = shards[0].results.loss;
        for (int s = 1; s < shards.length; s++) {
            sum += shards[s].results.loss;
        }
        return sum;
    }

    /**
     * One shard of the current pass, on the job's thread or a helper, in {@code runner}'s buffers.
     * The mode, the weights and the gradient arrays are read as the pass began; a backup's loser may
     * still be running when the next pass changes them, but it writes only its own buffers, which
     * nobody reads until that runner runs the shard again.
     */
    private void runShard(int s, int runner) {
        Shard.Workspace work = shards[s].workspace(runner);
        work.forward();
        Mode now = mode;
        if (now == Mode.FORWARD) {
            return;
        }
        work.loss = work.sumOfSquaredErrors();
        if (now == Mode.GRADIENT) {
            if (shards.length == 1 && !backups) {
                work.backward(weightGradients, biasGradients);
            } else {
                work.backward(null, null);
            }
        }
    }

    /** Writes the last forward pass into row-major buffers shaped like {@link Propagation}'s. */
    void copyForwardTo(double[][] rowMajorIn, double[][] rowMajorAct, double[] rowMajorOutput) {
        for (Shard shard : shards) {
            shard.results.copyForwardTo(rowMajorIn, rowMajorAct, rowMajorOutput);
        }
    }

    /**
     * The samples {@code from..to-1}, feature-major: X and Y transposed once, and the buffers a pass
     * writes, one {@link Workspace} per runner that has run the shard (only ever one without backups).
     */
    private final class Shard {
        private final int from;
        /** Samples in this shard. */
        private final int rows;
        /**
         * Row length: rows rounded up to a multiple of 8 doubles (one AVX-512 register), so that every
         * loop runs on whole vectors; a masked tail costs more than the row on Java 17. The padding
         * columns of X are 0 and their errors are 0, so they add exact zeros to every gradient and no
         * loss.
         */
        private final int m;
        /** Xᵀ (d × m): every workspace's {@code act[0]}, read only during a pass. */
        private final double[] inputs;
        /** Yᵀ, k × m. */
        private final double[] targets;

        private final double[] ones;
        /**
         * Indexed by runner ({@link Crew.Body}), each made by its runner when it first runs this
         * shard; index 0 only without backups. Only runner k ever writes {@code workspaces[k]}.
         */
        private final Workspace[] workspaces;
        /** The buffers of the run that counted in the last pass. */
        private Workspace results;

        Shard(Samples samples, int from, int to) {
            this.from = from;
            this.rows = to - from;
            this.m = (rows + 7) / 8 * 8;
            this.inputs = new double[m * sizes[0]];
            this.targets = samples.y == null ? null : new double[m * sizes[last + 1]];
            this.ones = new double[m];
            java.util.Arrays.fill(ones, 1.0);
            this.workspaces = new Workspace[backups ? crew.helpers() + 1 : 1];
            this.results = workspace(Crew.CALLER);
            reload(samples);
        }

        void reload(Samples samples) {
            transpose(samples.x, from, rows, sizes[0], m, inputs);
            if (targets != null) {
                transpose(samples.y, from, rows, sizes[last + 1], m, targets);
            }
        }

        /** {@code runner}'s buffers for this shard, made on first use (by that runner's thread). */
        Workspace workspace(int runner) {
            Workspace work = workspaces[slot(runner)];
            if (work == null) {
                work = new Workspace();
                workspaces[slot(runner)] = work;
            }
            return work;
        }

        /** The run of {@code runner} counted in the pass that has just ended. */
        void take(int runner) {
            results = workspaces[slot(runner)];
        }

        /** Where {@code runner}'s buffers are: its own place with backups, the one place without. */
        private int slot(int runner) {
            return backups ? runner : 0;
        }

        /** The buffers one runner writes when it runs this shard. */
        private final class Workspace {
            /** {@code act[0]} = Xᵀ (d × m); {@code act[l]} = A(l)ᵀ, {@code in[l]} = IN(l)ᵀ (sizes[l] × m). */
            private final double[][] in;

            private final double[][] act;
            /** Ŷᵀ, k × m. */
            private final double[] output;
            /** {@code delta[l]} = (∂SSE/∂IN(l+1))ᵀ, sizes[l+1] × m. */
            private double[][] delta;
            /** The lanes of one block of {@link VectorKernels#products} (at most 16 products). */
            private final double[] scratch;
            /** This shard's own gradients when there are several shards, or backups. */
            private double[][] weightGradients;

            private double[][] biasGradients;
            double loss;

            Workspace() {
                this.in = new double[last + 1][];
                this.act = new double[last + 1][];
                act[0] = inputs;
                for (int l = 1; l <= last; l++) {
                    in[l] = new double[m * sizes[l]];
                    act[l] = network.activation() == Activation.NONE ? in[l] : new double[m * sizes[l]];
                }
                this.output = new double[m * sizes[last + 1]];
                this.scratch = new double[16 * (Simd.ENABLED ? VectorKernels.lanes() : 1)];
            }

            double[] gradient(int l, boolean bias) {
                return bias ? biasGradients[l] : weightGradients[l];
            }

            void forward() {
                double[][] w = network.weights;
                double[][] b = network.biases;
                Activation activation = network.activation();
                for (int l = 0; l <= last; l++) {
                    int d = sizes[l];
                    int h = sizes[l + 1];
                    double[] target = l == last ? output : in[l + 1];
                    // IN(l+1)ᵀ row j = b_j + Σ_p W[p][j] · A(l)ᵀ row p
                    layer(act[l], d, w[l], h, 1, h, b == null ? null : b[l], target);
                    if (l < last) {
                        // The whole layer in one call: its rows are contiguous, so a ragged row length
                        // (100 test rows: 12 vectors and 4 values) costs one scalar tail, not one a row.
                        activation.applyAll(target, act[l + 1], 0, h * m);
                    }
                }
            }

            /**
             * Writes ∂SSE/∂W and ∂SSE/∂b over this shard's samples into {@code g} and {@code gb}, or
             * into this workspace's own arrays when they are null.
             */
            void backward(double[][] g, double[][] gb) {
                if (delta == null) {
                    allocateGradients();
                }
                if (g == null) {
                    g = weightGradients;
                    gb = biasGradients;
                }
                double[] outputDelta = delta[last];
                for (int j = 0, k = sizes[last + 1]; j < k; j++) {
                    // ∂SSE/∂Ŷ = 2(Ŷ − Y) on the real samples; the padding keeps its zeros.
                    for (int i = j * m, end = j * m + rows; i < end; i++) {
                        outputDelta[i] = 2.0 * (output[i] - targets[i]);
                    }
                }
                double[][] w = network.weights;
                Activation activation = network.activation();
                for (int l = last; l >= 0; l--) {
                    int d = sizes[l];
                    int h = sizes[l + 1];
                    // ∂SSE/∂W[p][j] = A(l)ᵀ row p · Δ(l)ᵀ row j, for every p and j at once
                    products(act[l], d, delta[l], h, g[l]);
                    if (network.biases != null) {
                        products(ones, 1, delta[l], h, gb[l]);
                    }
                    if (l > 0) {
                        double[] prev = delta[l - 1];
                        // Δ(l-1)ᵀ row p = (Σ_j W[p][j] · Δ(l)ᵀ row j) ⊙ activation'(IN(l), A(l)) row p
                        layer(delta[l], h, w[l], 1, h, d, null, prev);
                        activation.multiplyByDerivative(prev, in[l], act[l], 0, d * m);
                    }
                }
            }

            private void allocateGradients() {
                delta = new double[last + 1][];
                weightGradients = new double[last + 1][];
                biasGradients = network.biases == null ? null : new double[last + 1][];
                for (int l = 0; l <= last; l++) {
                    delta[l] = new double[m * sizes[l + 1]];
                    weightGradients[l] = new double[sizes[l] * sizes[l + 1]];
                    if (biasGradients != null) {
                        biasGradients[l] = new double[sizes[l + 1]];
                    }
                }
            }

            double sumOfSquaredErrors() {
                double sum = 0.0;
                for (int j = 0, k = sizes[last + 1]; j < k; j++) {
                    for (int i = j * m, end = j * m + rows; i < end; i++) {
                        double e = output[i] - targets[i];
                        sum += e * e;
                    }
                }
                return sum;
            }

            void copyForwardTo(double[][] rowMajorIn, double[][] rowMajorAct, double[] rowMajorOutput) {
                for (int l = 1; l <= last; l++) {
                    transposeInto(in[l], sizes[l], rowMajorIn[l]);
                    if (rowMajorAct[l] != rowMajorIn[l]) {
                        transposeInto(act[l], sizes[l], rowMajorAct[l]);
                    }
                }
                transposeInto(output, sizes[last + 1], rowMajorOutput);
            }

            /** {@code featureMajor} is units rows of length m; this shard's rows of {@code rowMajor} (n × units). */
            private void transposeInto(double[] featureMajor, int units, double[] rowMajor) {
                for (int j = 0; j < units; j++) {
                    for (int i = 0; i < rows; i++) {
                        rowMajor[(from + i) * units + j] = featureMajor[j * m + i];
                    }
                }
            }

            /**
             * For every output o < outs and i in 0..m-1:
             * {@code dst[o·m + i] = init_o + Σ_q coeff[o·outStride + q·inStride] · src[q·m + i]}, by fused
             * multiply-adds in q order; {@code init_o} is {@code bias[o]}, or 0 when {@code bias} is null.
             */
            private void layer(
                    double[] src,
                    int ins,
                    double[] coeff,
                    int inStride,
                    int outStride,
                    int outs,
                    double[] bias,
                    double[] dst) {
                if (Simd.ENABLED) {
                    VectorKernels.layer(src, ins, m, coeff, inStride, outStride, outs, bias, dst);
                    return;
                }
                for (int o = 0; o < outs; o++) {
                    java.util.Arrays.fill(dst, o * m, (o + 1) * m, bias == null ? 0.0 : bias[o]);
                    for (int q = 0; q < ins; q++) {
                        double k = coeff[o * outStride + q * inStride];
                        for (int i = 0, s = q * m, t = o * m; i < m; i++) {
                            dst[t + i] = Math.fma(src[s + i], k, dst[t + i]);
                        }
                    }
                }
            }

            /** {@code out[p·bRows + j] = Σ_i a[p·m + i] · b[j·m + i]} for p < aRows, j < bRows. */
            private void products(double[] a, int aRows, double[] b, int bRows, double[] out) {
                if (Simd.ENABLED) {
                    VectorKernels.products(a, aRows, b, bRows, m, out, scratch);
                    return;
                }
                for (int p = 0; p < aRows; p++) {
                    for (int j = 0; j < bRows; j++) {
                        double sum = 0.0;
                        for (int i = 0, ai = p * m, bi = j * m; i < m; i++) {
                            sum = Math.fma(a[ai + i], b[bi + i], sum);
                        }
                        out[p * bRows + j] = sum;
                    }
                }
            }
        }
    }

    /** Rows {@code from..from+rows-1} of row-major X (… × cols) into {@code t}, cols rows of length {@code stride}. */
    private static void transpose(double[] rowMajor, int from, int rows, int cols, int stride, double[] t) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * stride + i] = rowMajor[(from + i) * cols + j];
            }
        }
    }
}
