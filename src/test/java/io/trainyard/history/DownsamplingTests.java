package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DownsamplingTests {

    @Test
    void keepsFirstLastAndTheSpikeOfACurve() {
        int n = 1000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = Math.exp(-i / 100.0);
        }
        y[537] = 5.0;

        int[] kept = Downsampling.largestTriangleThreeBuckets(x, y, 50);

        assertThat(kept).hasSize(50).startsWith(0).endsWith(n - 1).contains(537);
        for (int i = 1; i < kept.length; i++) {
            assertThat(kept[i]).isGreaterThan(kept[i - 1]);
        }
    }

    @Test
    void fewerPointsThanTheTargetAreAllKept() {
        double[] x = {0, 1, 2};

        assertThat(Downsampling.largestTriangleThreeBuckets(x, x, 10)).containsExactly(0, 1, 2);
        assertThat(Downsampling.largestTriangleThreeBuckets(new double[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4}, 2))
                .containsExactly(0, 3);
    }
}
