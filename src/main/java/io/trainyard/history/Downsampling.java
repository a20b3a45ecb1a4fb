package io.trainyard.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /**
     * The points a history read keeps: the first and the last, the curve's highest and lowest point
     * (their first occurrences), and the triangles' choice for the rest; exactly {@code min(target, n)}
     * indices, ascending, wherever the triangles leave room for them (below: the triangles' choice of
     * {@code target − 2} and the two extremes). With buckets hundreds of points wide the triangles favour
     * a point far along a steep fall over a short spike before it: a loss three times its start at
     * iteration 3 was left out of every downsampled answer. The triangles' own choice of {@code target}
     * when it holds both extremes already, else of {@code target − 1} or {@code target − 2} with the
     * missing ones added. Below 5 points, the triangles alone.
     */
    static int[] keepingExtremes(double[] x, double[] y, int target) {
        int n = x.length;
        if (target >= n || target < 5) {
            return largestTriangleThreeBuckets(x, y, target);
        }
        int highest = 0;
        int lowest = 0;
        for (int i = 1; i < n; i++) {
            if (y[i] > y[highest]) {
                highest = i;
            }
            if (y[i] < y[lowest]) {
                lowest = i;
            }
        }
        int[][] choices = new int[3][];
        for (int fewer = 0; fewer <= 2; fewer++) {
            choices[fewer] = largestTriangleThreeBuckets(x, y, target - fewer);
            java.util.Set<Integer> merged = withExtremes(choices[fewer], highest, lowest);
            if (merged.size() == target) {
                return merged.stream().mapToInt(Integer::intValue).sorted().toArray();
            }
        }
        // None came out at exactly target (e.g. the triangles' third point was an extreme): the smallest
        // choice with both extremes, topped up from the larger choices in their order.
        java.util.Set<Integer> merged = withExtremes(choices[2], highest, lowest);
        for (int fewer = 1; fewer >= 0 && merged.size() < target; fewer--) {
            for (int i = 0; i < choices[fewer].length && merged.size() < target; i++) {
                merged.add(choices[fewer][i]);
            }
        }
        return merged.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static java.util.Set<Integer> withExtremes(int[] kept, int highest, int lowest) {
        java.util.Set<Integer> merged = new java.util.LinkedHashSet<>();
        for (int i : kept) {
            merged.add(i);
        }
        merged.add(highest);
        merged.add(lowest);
        return merged;
    }

    /**
     * {@link #keepingExtremes} over points that go by once: three {@link Streamed} choices (of
     * {@code target}, {@code target − 1} and {@code target − 2} points) and the highest and lowest point
     * seen, each a reference to where its values are; at {@link #finish} the chosen points reach the
     * keeper, in no particular order (the receiver puts them in order). The same points as
     * {@link #keepingExtremes} for the same {@code n}, {@code target}, x and y; it holds at most three
     * times {@code target} references besides the streams' own.
     */
    static final class StreamedKeepingExtremes<T> {

        private final int target;
        private final boolean extremes;
        private final Keeper<T> keeper;
        private final List<List<Kept<T>>> choices = new ArrayList<>();
        private final List<Streamed<T>> streams = new ArrayList<>();
        private final Streamed<T> plain;
        private boolean any;
        private double highY;
        private Kept<T> high;
        private double lowY;
        private Kept<T> low;

        private record Kept<T>(T source, int offset) {}

        StreamedKeepingExtremes(int n, int target, Keeper<T> keeper) {
            this.target = target;
            this.extremes = target >= 5 && target < n;
            this.keeper = keeper;
            if (!extremes) {
                plain = new Streamed<>(n, target, keeper);
                return;
            }
            plain = null;
            for (int fewer = 0; fewer <= 2; fewer++) {
                List<Kept<T>> chosen = new ArrayList<>();
                choices.add(chosen);
                streams.add(
                        new Streamed<>(n, target - fewer, (source, offset) -> chosen.add(new Kept<>(source, offset))));
            }
        }

        void offer(double x, double y, T source, int offset) {
            if (!extremes) {
                plain.offer(x, y, source, offset);
                return;
            }
            if (streams.get(0).accepts()) {
                if (!any || y > highY) {
                    highY = y;
                    high = new Kept<>(source, offset);
                }
                if (!any || y < lowY) {
                    lowY = y;
                    low = new Kept<>(source, offset);
                }
                any = true;
            }
            for (Streamed<T> stream : streams) {
                stream.offer(x, y, source, offset);
            }
        }

        void finish() {
            if (!extremes) {
                plain.finish();
                return;
            }
            streams.forEach(Streamed::finish);
            List<Kept<T>> merged = null;
            for (List<Kept<T>> chosen : choices) {
                merged = withExtremes(chosen);
                if (merged.size() == target) {
                    merged.forEach(point -> keeper.keep(point.source(), point.offset()));
                    return;
                }
            }
            // As keepingExtremes does: the smallest choice with both extremes, topped up in order.
            merged = withExtremes(choices.get(2));
            for (int fewer = 1; fewer >= 0 && merged.size() < target; fewer--) {
                for (int i = 0; i < choices.get(fewer).size() && merged.size() < target; i++) {
                    addIfMissing(merged, choices.get(fewer).get(i));
                }
            }
            merged.forEach(point -> keeper.keep(point.source(), point.offset()));
        }

        private List<Kept<T>> withExtremes(List<Kept<T>> chosen) {
            List<Kept<T>> merged = new ArrayList<>(chosen);
            if (any) {
                addIfMissing(merged, high);
                addIfMissing(merged, low);
            }
            return merged;
        }

        /** Points are the same when they are the same value of the same source: sources are compared by identity. */
        private static <T> void addIfMissing(List<Kept<T>> points, Kept<T> point) {
            for (Kept<T> kept : points) {
                if (kept.source() == point.source() && kept.offset() == point.offset()) {
                    return;
                }
            }
            points.add(point);
        }
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

        /** Whether the next point offered counts (points beyond {@code n} are ignored). */
        boolean accepts() {
            return seen < n;
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
