package io.trainyard.history;

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
}
