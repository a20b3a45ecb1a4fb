package io.trainyard.nn;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Does the SIMD sigmoid's speed depend on where its arrays fall against cache lines? Allocates 16
 * pairs of 4,000-value arrays in one process, each pair shifted by a spacer of another size, and
 * prints each pair's address mod 64 (read through {@code sun.misc.Unsafe}, compressed oops assumed
 * zero-based as on heaps under 32 GiB) beside its best time per value. Run by {@code bench/alignment}.
 */
public final class AlignmentProbe {

    private static sun.misc.Unsafe unsafe;

    private AlignmentProbe() {}

    public static void main(String[] args) throws ReflectiveOperationException {
        Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        unsafe = (sun.misc.Unsafe) field.get(null);
        int n = 4000;
        List<Object> kept = new ArrayList<>();
        for (int pad = 0; pad < 16; pad++) {
            kept.add(new byte[pad * 8]); // moves the next two arrays by another 8-byte step
            double[] in = new double[n];
            double[] out = new double[n];
            SplittableRandom random = new SplittableRandom(pad);
            for (int i = 0; i < n; i++) {
                in[i] = random.nextDouble(-5, 5);
            }
            kept.add(in);
            kept.add(out);
            for (int warm = 0; warm < 20_000; warm++) {
                VectorActivations.sigmoid(in, out, 0, n);
            }
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 30; round++) {
                long start = System.nanoTime();
                for (int k = 0; k < 200; k++) {
                    VectorActivations.sigmoid(in, out, 0, n);
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            System.out.printf(
                    "in %% 64 = %2d, out %% 64 = %2d: %.2f ns per value%n",
                    address(in) % 64,
                    address(out) % 64,
                    best / 200.0 / n);
        }
    }

    private static long address(double[] array) {
        Object[] holder = {array};
        long slot = unsafe.arrayBaseOffset(Object[].class);
        long oop = unsafe.arrayIndexScale(Object[].class) == 4
                ? (unsafe.getInt(holder, slot) & 0xFFFF_FFFFL) << 3
                : unsafe.getLong(holder, slot);
        return oop + unsafe.arrayBaseOffset(double[].class);
    }
}
