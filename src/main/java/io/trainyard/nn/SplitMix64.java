package io.trainyard.nn;

/**
 * The SplitMix64 generator (Steele, Lea and Flood 2014) that orders mini-batches. Chosen because
 * it is six lines of 64-bit arithmetic that any implementation can reproduce exactly, which makes
 * the batch order, and so the whole run, identical across implementations for one seed.
 */
final class SplitMix64 {

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** The next 64 bits (read as unsigned). */
    long next() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Fills {@code p} with {@code 0..n−1} and shuffles it (Fisher–Yates, from the top): for
     * {@code i = n−1} down to 1, swap {@code p[i]} with {@code p[next() mod (i+1)]}, unsigned. The
     * modulo bias is at most n/2^64 and is part of the contract, so it stays.
     */
    void permutation(int[] p) {
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        for (int i = p.length - 1; i >= 1; i--) {
            int j = (int) Long.remainderUnsigned(next(), i + 1L);
            int swap = p[i];
            p[i] = p[j];
            p[j] = swap;
        }
    }

    /** The 64-bit state, which is all a checkpoint needs to continue the sequence. */
    long state() {
        return state;
    }
}
