package io.trainyard.history;

import java.util.Arrays;

/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013): picks {@code target} of {@code n} points that
 * keep a curve's visual shape, always including the first and the last.
 */
final class Downsampling {

    private Downsampling() {}

    /**
     * Indices (ascending) of the points to keep.
     *
     * @param x the points' x values, ascending
     * @param y the points' y values (e.g. log-loss, so that the tail of a loss curve keeps its shape)
     */
    static int[] largestTriangleThreeBuckets(double[] x, double[] y, int target) {
        int n = x.length;
        if (target >= n || target < 3) {
            if (target >= n) {
                int[] all = new int[n];
                for (int i = 0; i < n; i++) {
                    all[i] = i;
                }
                return all;
            }
            return target <= 1 ? new int[] {n - 1} : new int[] {0, n - 1};
        }
        int[] kept = new int[target];
        double bucketSize = (double) (n - 2) / (target - 2);
        int a = 0;
        kept[0] = 0;
        for (int bucket = 0; bucket < target - 2; bucket++) {
            int start = (int) Math.floor(bucket * bucketSize) + 1;
            int end = (int) Math.floor((bucket + 1) * bucketSize) + 1;
            int nextStart = end;
            int nextEnd = Math.min((int) Math.floor((bucket + 2) * bucketSize) + 1, n);
            double avgX = 0;
            double avgY = 0;
            for (int i = nextStart; i < nextEnd; i++) {
                avgX += x[i];
                avgY += y[i];
            }
            int span = Math.max(1, nextEnd - nextStart);
            avgX /= span;
            avgY /= span;
            double best = -1;
            int chosen = start;
            for (int i = start; i < end; i++) {
                double area = Math.abs((x[a] - avgX) * (y[i] - y[a]) - (x[a] - x[i]) * (avgY - y[a]));
                if (area > best) {
                    best = area;
                    chosen = i;
                }
            }
            kept[bucket + 1] = chosen;
            a = chosen;
        }
        kept[target - 1] = n - 1;
        return kept;
    }

    /** Receives the points a {@link Streamed} keeps, in order. */
    @FunctionalInterface
    interface Keeper<T> {
        void keep(T source, int offset);
    }

    /**
     * {@link #largestTriangleThreeBuckets} over points that go by once, in order, without holding them:
     * the same indices for the same {@code n}, {@code target}, x and y (the same arithmetic in the same
     * order), kept as soon as they are decided. A bucket is decided once the bucket after it has gone
     * by (its average is the third corner of the triangles), so only the points of two buckets are held
     * at a time: about {@code 2 n / target} of them (fewer than 512 for the history reads that stream, which
     * ask for more points than the coarse level's, at least 1 in 256), each a reference to where it came from ({@code
     * source}, e.g. a stored batch, and the offset in it) rather than a copy of its values.
     *
     * <p>{@code n} must be known before the first point: a caller that finally offers fewer points
     * (the history shrank meanwhile) still gets a valid, ascending choice that keeps its first and last
     * point, just not the one the whole would have given; points beyond {@code n} are ignored.
     */
    static final class Streamed<T> {

        private final int n;
        private final int target;
        private final double bucketSize;
        private final Keeper<T> keeper;

        /** Points offered so far. */
        private int seen;
        /** The oldest bucket not yet decided. */
        private int bucket;
        /** Held points: indices {@code held0 .. held0 + heldCount - 1}. */
        private int held0 = 1;

        private int heldCount;
        private double[] hx = new double[16];
        private double[] hy = new double[16];
        private Object[] hSource = new Object[16];
        private int[] hOffset = new int[16];
        /** The last kept point, the first corner of the next triangle. */
        private double ax;

        private double ay;
        private T lastSource;
        private int lastOffset;
        private boolean lastKept;

        Streamed(int n, int target, Keeper<T> keeper) {
            this.n = n;
            this.target = target;
            this.bucketSize = target >= 3 && target < n ? (double) (n - 2) / (target - 2) : 0;
            this.keeper = keeper;
        }

        /** The next point (index {@code seen}) with its x and y and where its values are. */
        void offer(double x, double y, T source, int offset) {
            if (seen >= n) {
                return;
            }
            int index = seen++;
            lastSource = source;
            lastOffset = offset;
            lastKept = false;
            if (target >= n) {
                keep(source, offset);
                return;
            }
            if (index == 0) {
                if (target >= 2) {
                    keep(source, offset);
                }
                ax = x;
                ay = y;
                return;
            }
            if (target < 3) {
                if (index == n - 1) {
                    keep(source, offset);
                }
                return;
            }
            hold(x, y, source, offset);
            while (bucket < target - 2 && seen >= nextEnd(bucket)) {
                decide(bucket, seen);
                bucket++;
            }
            if (index == n - 1) {
                keep(source, offset);
            }
        }

        /**
         * Ends the stream. Only needed when fewer than {@code n} points were offered: the remaining
         * buckets are decided from what was seen, and the last point seen is kept.
         */
        void finish() {
            if (seen >= n || seen == 0 || target >= n || target < 2) {
                return;
            }
            if (target >= 3) {
                while (bucket < target - 2 && start(bucket) < seen) {
                    decide(bucket, seen);
                    bucket++;
                }
            }
            if (!lastKept && seen > 1) {
                keep(lastSource, lastOffset);
            }
        }

        private int start(int b) {
            return (int) Math.floor(b * bucketSize) + 1;
        }

        private int nextEnd(int b) {
            return Math.min((int) Math.floor((b + 2) * bucketSize) + 1, n);
        }

        /** Decides bucket {@code b} from the held points below {@code available}. */
        @SuppressWarnings("unchecked")
        private void decide(int b, int available) {
            int start = start(b);
            int end = Math.min((int) Math.floor((b + 1) * bucketSize) + 1, available);
            int nextStart = (int) Math.floor((b + 1) * bucketSize) + 1;
            int nextEnd = Math.min(nextEnd(b), available);
            double avgX = 0;
            double avgY = 0;
            for (int i = nextStart; i < nextEnd; i++) {
                avgX += hx[i - held0];
                avgY += hy[i - held0];
            }
            int span = Math.max(1, nextEnd - nextStart);
            avgX /= span;
            avgY /= span;
            double best = -1;
            int chosen = start;
            for (int i = start; i < end; i++) {
                double area = Math.abs((ax - avgX) * (hy[i - held0] - ay) - (ax - hx[i - held0]) * (avgY - ay));
                if (area > best) {
                    best = area;
                    chosen = i;
                }
            }
            if (chosen < available && chosen >= held0) {
                int k = chosen - held0;
                keeper.keep((T) hSource[k], hOffset[k]);
                ax = hx[k];
                ay = hy[k];
                if (chosen == seen - 1) {
                    lastKept = true;
                }
            }
            release(Math.max(end, start));
        }

        private void hold(double x, double y, T source, int offset) {
            if (heldCount == hx.length) {
                int capacity = hx.length * 2;
                hx = Arrays.copyOf(hx, capacity);
                hy = Arrays.copyOf(hy, capacity);
                hSource = Arrays.copyOf(hSource, capacity);
                hOffset = Arrays.copyOf(hOffset, capacity);
            }
            hx[heldCount] = x;
            hy[heldCount] = y;
            hSource[heldCount] = source;
            hOffset[heldCount] = offset;
            heldCount++;
        }

        /** Forgets the held points below index {@code from}. */
        private void release(int from) {
            int drop = Math.min(Math.max(0, from - held0), heldCount);
            if (drop == 0) {
                return;
            }
            int rest = heldCount - drop;
            System.arraycopy(hx, drop, hx, 0, rest);
            System.arraycopy(hy, drop, hy, 0, rest);
            System.arraycopy(hSource, drop, hSource, 0, rest);
            Arrays.fill(hSource, rest, heldCount, null);
            System.arraycopy(hOffset, drop, hOffset, 0, rest);
            held0 += drop;
            heldCount = rest;
        }

        private void keep(T source, int offset) {
            keeper.keep(source, offset);
            if (source == lastSource && offset == lastOffset) {
                lastKept = true;
            }
        }
    }
}
