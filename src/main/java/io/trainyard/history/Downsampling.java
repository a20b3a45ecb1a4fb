package io.trainyard.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
     * indices, ascending. With buckets hundreds of points wide the triangles favour a point far along a
     * steep fall over a short spike before it: a loss three times its start at iteration 3 was left out
     * of every downsampled answer. Below 5 points, the triangles alone.
     *
     * @see #keepingExtremes(double[], double[], int, double[][])
     */
    static int[] keepingExtremes(double[] x, double[] y, int target) {
        return keepingExtremes(x, y, target, new double[0][]);
    }

    /**
     * {@link #keepingExtremes(double[], double[], int)} that also keeps the highest and lowest point of
     * each of {@code others} (e.g. the validation and test losses: validation's lowest point is the one
     * early stopping restores, and the triangles on the train loss need not pick it).
     *
     * <p>The extremes (first occurrences) are taken in a fixed order, the shape curve's highest and
     * lowest, then each other curve's lowest, then each other curve's highest, skipping those that are
     * the first or the last point (kept anyway), at most {@code target − 3} of them (all from 9 points
     * on), so that the triangles keep at least three points. The triangles
     * choose {@code target} less that many ({@link #extremesRoom}) and the extremes are added; where an
     * extreme was among the triangles' points already, the triangles' choice of {@code target} fills
     * the gap, its points taken evenly spread over it ({@link #spreadOrder}). Two passes over the curve
     * whatever the number of curves: a choice per possible count of missing extremes cost up to seven.
     *
     * @param others curves of the same length as {@code y}, compared as they are (only their order counts)
     */
    static int[] keepingExtremes(double[] x, double[] y, int target, double[][] others) {
        int n = x.length;
        if (target >= n || target < 5) {
            return largestTriangleThreeBuckets(x, y, target);
        }
        int room = extremesRoom(target, others.length);
        Set<Integer> extremes = new LinkedHashSet<>();
        extremes.add(argMax(y));
        extremes.add(argMin(y));
        for (double[] curve : others) {
            extremes.add(argMin(curve));
        }
        for (double[] curve : others) {
            extremes.add(argMax(curve));
        }
        // The triangles keep the first and the last point anyway: an extreme there takes no room. A loss that
        // falls from its start to its end has both train extremes there, and counted they left no room at
        // 5 points for validation's lowest, the point early stopping restores.
        extremes.remove(0);
        extremes.remove(n - 1);
        Set<Integer> merged = new LinkedHashSet<>();
        for (int i : largestTriangleThreeBuckets(x, y, target - room)) {
            merged.add(i);
        }
        extremes.stream().limit(room).forEach(merged::add);
        if (merged.size() < target) {
            int[] fuller = largestTriangleThreeBuckets(x, y, target);
            for (int rank : spreadOrder(fuller.length, target - merged.size())) {
                if (merged.size() == target) {
                    break;
                }
                merged.add(fuller[rank]);
            }
        }
        return merged.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** How many extremes a choice of {@code target} points keeps: two per curve, leaving the triangles three. */
    static int extremesRoom(int target, int others) {
        return Math.min(2 + 2 * others, target - 3);
    }

    /**
     * The order in which a choice of {@code length} points fills {@code gaps} places: evenly spaced
     * ranks first (so the few points added are spread over the curve rather than bunched at its start),
     * then every rank in order.
     */
    static int[] spreadOrder(int length, int gaps) {
        int stride = Math.max(1, length / (gaps + 1));
        java.util.stream.IntStream spread =
                java.util.stream.IntStream.iterate(stride, r -> r < length, r -> r + stride);
        return java.util.stream.IntStream.concat(spread, java.util.stream.IntStream.range(0, length))
                .toArray();
    }

    /** The first index of the largest value (also for {@link CoarseLevel}). */
    static int argMax(double[] values) {
        int at = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[at]) {
                at = i;
            }
        }
        return at;
    }

    /** The first index of the smallest value (also for {@link CoarseLevel}). */
    static int argMin(double[] values) {
        int at = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[at]) {
                at = i;
            }
        }
        return at;
    }

    /**
     * {@link #keepingExtremes(double[], double[], int, double[][])} over points that go by once: two
     * {@link Streamed} choices (of {@code target} less the extremes' room, and of {@code target}) and the
     * highest and lowest point seen of each curve, each a reference to where its values are; at {@link
     * #finish} the chosen points reach the keeper, in no particular order (the receiver puts them in
     * order). The same points as {@code keepingExtremes} for the same {@code n}, {@code target}, x, y
     * and other curves; it holds at most twice {@code target} references besides the streams' own.
     */
    static final class StreamedKeepingExtremes<T> {

        private static final double[] NONE = new double[0];

        private final int target;
        private final int room;
        private final boolean extremes;
        private final Keeper<T> keeper;
        private final List<Kept<T>> fewer = new ArrayList<>();
        private final List<Kept<T>> fuller = new ArrayList<>();
        private final List<Streamed<T>> streams = new ArrayList<>();
        private final Streamed<T> plain;
        private boolean any;
        /** Per curve (the shape first, then the others): the highest and lowest value seen and where. */
        private final double[] highY;

        private final double[] lowY;
        private final List<Kept<T>> high;
        private final List<Kept<T>> low;
        /** The first and the last point offered: kept by the triangles, so no extreme's room is spent on them. */
        private Kept<T> first;

        private Kept<T> last;

        /** Points are the same when they are the same value of the same source: sources are compared by identity. */
        private record Kept<T>(T source, int offset) {
            @Override
            public boolean equals(Object other) {
                return other instanceof Kept<?> kept && kept.source == source && kept.offset == offset;
            }

            @Override
            public int hashCode() {
                return 31 * System.identityHashCode(source) + offset;
            }
        }

        StreamedKeepingExtremes(int n, int target, Keeper<T> keeper) {
            this(n, target, 0, keeper);
        }

        /** @param others how many other curves each {@link #offer} brings values of */
        StreamedKeepingExtremes(int n, int target, int others, Keeper<T> keeper) {
            this.target = target;
            this.extremes = target >= 5 && target < n;
            this.room = extremes ? extremesRoom(target, others) : 0;
            this.keeper = keeper;
            this.highY = new double[1 + others];
            this.lowY = new double[1 + others];
            this.high = new ArrayList<>(java.util.Collections.nCopies(1 + others, null));
            this.low = new ArrayList<>(java.util.Collections.nCopies(1 + others, null));
            if (!extremes) {
                plain = new Streamed<>(n, target, keeper);
                return;
            }
            plain = null;
            streams.add(new Streamed<>(n, target - room, (source, offset) -> fewer.add(new Kept<>(source, offset))));
            streams.add(new Streamed<>(n, target, (source, offset) -> fuller.add(new Kept<>(source, offset))));
        }

        void offer(double x, double y, T source, int offset) {
            offer(x, y, NONE, source, offset);
        }

        /** The next point: its x, its shape value y, the other curves' values at it, and where its values are. */
        void offer(double x, double y, double[] others, T source, int offset) {
            if (!extremes) {
                plain.offer(x, y, source, offset);
                return;
            }
            if (streams.get(0).accepts()) {
                Kept<T> point = new Kept<>(source, offset);
                if (!any) {
                    first = point;
                }
                last = point;
                track(0, y, source, offset);
                for (int c = 0; c < highY.length - 1; c++) {
                    track(c + 1, others[c], source, offset);
                }
                any = true;
            }
            for (Streamed<T> stream : streams) {
                stream.offer(x, y, source, offset);
            }
        }

        private void track(int curve, double y, T source, int offset) {
            if (!any || y > highY[curve]) {
                highY[curve] = y;
                high.set(curve, new Kept<>(source, offset));
            }
            if (!any || y < lowY[curve]) {
                lowY[curve] = y;
                low.set(curve, new Kept<>(source, offset));
            }
        }

        void finish() {
            if (!extremes) {
                plain.finish();
                return;
            }
            streams.forEach(Streamed::finish);
            // The order keepingExtremes takes them in: the shape's highest and lowest, the others' lowest, their
            // highest.
            Set<Kept<T>> wanted = new LinkedHashSet<>();
            if (any) {
                wanted.add(high.get(0));
                wanted.add(low.get(0));
                for (int c = 1; c < low.size(); c++) {
                    wanted.add(low.get(c));
                }
                for (int c = 1; c < high.size(); c++) {
                    wanted.add(high.get(c));
                }
                wanted.remove(first);
                wanted.remove(last);
            }
            Set<Kept<T>> merged = new LinkedHashSet<>(fewer);
            wanted.stream().limit(room).forEach(merged::add);
            if (merged.size() < target) {
                for (int rank : spreadOrder(fuller.size(), target - merged.size())) {
                    if (merged.size() == target) {
                        break;
                    }
                    merged.add(fuller.get(rank));
                }
            }
            merged.forEach(point -> keeper.keep(point.source(), point.offset()));
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
