package io.trainyard.nn;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes a mini-batch allocates, for {@code TrainerTests}, in a JVM of its own: the JIT
 * then compiles the loop for this workload alone. In the test JVM the profiles other tests had left
 * (other activations, shapes and optimizers) sometimes had C2 compile the loop's vector code in a
 * form that boxes its vectors for as long as the JVM lived (over 1 KB a batch for 20 s on a busy
 * machine), which no number of repeated measurements fixed.
 *
 * <p>Prints {@code bytes-per-batch N}: the least of the measurements made until one is under the
 * test's bound or {@code 20 s} have passed. Allocation by the training loop itself would show in
 * every measurement; a method the JIT recompiles during one runs interpreted for a while and adds
 * bytes only to that one.
 */
public final class MiniBatchAllocationProbe {

    /** What a batch may allocate: Gemm's capturing lambda on the BLAS gradient path, about 40 bytes a layer. */
    static final long BOUND = 160;

    private MiniBatchAllocationProbe() {}

    public static void main(String[] args) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean counting)
                || !counting.isThreadAllocatedMemorySupported()) {
            System.out.println("bytes-per-batch unsupported");
            return;
        }
        // Batches of one row: 400 updates an epoch. Allocation is measured over two run lengths
        // so that the fixed setup cost cancels; what is left is per epoch (one history point).
        // Warmed up first: until the JIT compiles them, vector kernels allocate in the interpreter.
        Optimizer adam = Optimizer.adam();
        allocated(counting, new TrainingPlan(0.0001, 100, adam, 1, null, 1));
        long perBatch = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int attempt = 0; perBatch >= BOUND && (attempt < 5 || System.nanoTime() < deadline); attempt++) {
            long shortRun = allocated(counting, new TrainingPlan(0.0001, 5, adam, 1, null, 1));
            long longRun = allocated(counting, new TrainingPlan(0.0001, 25, adam, 1, null, 1));
            perBatch = Math.min(perBatch, (longRun - shortRun) / 20 / 400);
        }
        System.out.println("bytes-per-batch " + perBatch);
    }

    private static long allocated(com.sun.management.ThreadMXBean counting, TrainingPlan plan) {
        Network start = TrainerTests.start(Activation.TANH, 1);
        long id = Thread.currentThread().getId();
        long before = counting.getThreadAllocatedBytes(id);
        new Trainer(plan).train(start, TrainerTests.DATA, TrainingListener.NONE, () -> false);
        return counting.getThreadAllocatedBytes(id) - before;
    }
}
