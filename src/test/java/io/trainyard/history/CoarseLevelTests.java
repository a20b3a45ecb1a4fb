package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CoarseLevelTests {

    @Test
    void aLargeBatchKeepsAtMost32PointsWithItsEndsItsLossDropAndItsGradientSpike() {
        int n = 4096;
        double[] train = new double[n];
        double[] norms = new double[n * 2];
        for (int i = 0; i < n; i++) {
            train[i] = i < 1000 ? 100 : 1; // a cliff in the loss at 1000
            norms[2 * i] = 1;
            norms[2 * i + 1] = i == 3000 ? 1e6 : 1; // one exploding step at 3000
        }
        HistoryChunk chunk = new HistoryChunk("job", 10_000, n, 2, train, null, null, norms);

        CoarseLevel.Row row = CoarseLevel.of(chunk);

        assertThat(row.iterations())
                .hasSizeLessThanOrEqualTo(CoarseLevel.POINTS_PER_BATCH)
                .isSorted()
                .contains(10_000, 10_000 + n - 1, 10_000 + 3000);
        assertThat(java.util.Arrays.stream(row.iterations()).anyMatch(it -> it == 10_999 || it == 11_000))
                .as("the cliff is kept")
                .isTrue();
        assertThat(row.pointCount()).isEqualTo(n);
        int spike = java.util.Arrays.binarySearch(row.iterations(), 13_000);
        assertThat(row.gradientNorms()[2 * spike + 1]).isEqualTo(1e6);
    }

    @Test
    void eachCurvesHighestAndLowestPointsAreKeptEvenWhereTheTrianglesWouldMissThem() {
        // A loss that rises to 3× its start at the 4th point, then falls for 4,000 points: with 256-point
        // buckets the triangles chose a point on the descent over the spike.
        int n = 4096;
        double[] train = new double[n];
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            // as real losses do: a steep fall over the first dozens of points, then a long slow tail
            train[i] = i == 3 ? 15_000 : 4_700 * Math.exp(-i / 15.0) + 300 - i / 100.0;
            norms[i] = i == 5 ? 9_000 : 4_000 * Math.exp(-i / 15.0) + 1;
        }
        HistoryChunk chunk = new HistoryChunk("job", 0, n, 1, train, null, null, norms);

        CoarseLevel.Row row = CoarseLevel.of(chunk);

        assertThat(row.iterations())
                .hasSizeLessThanOrEqualTo(CoarseLevel.POINTS_PER_BATCH)
                .contains(0, 3, 5, n - 1);
        int highest = java.util.Arrays.binarySearch(row.iterations(), 3);
        assertThat(row.train()[highest]).isEqualTo(15_000);
    }

    @Test
    void validationsAndTestsHighestAndLowestPointsAreKeptToo() {
        int n = 4096;
        double[] train = new double[n];
        double[] validation = new double[n];
        double[] test = new double[n];
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            train[i] = 100.0 / (i + 1);
            validation[i] = i == 1234 ? 0.01 : i == 2345 ? 90 : 1;
            test[i] = i == 777 ? 0.02 : i == 3333 ? 80 : 2;
            norms[i] = 1;
        }
        HistoryChunk chunk = new HistoryChunk("job", 0, n, 1, train, validation, test, norms);

        CoarseLevel.Row row = CoarseLevel.of(chunk);

        assertThat(row.iterations())
                .hasSizeLessThanOrEqualTo(CoarseLevel.POINTS_PER_BATCH)
                .isSorted()
                .contains(0, n - 1, 1234, 2345, 777, 3333);
    }

    @Test
    void aPointTheLevelDidNotKeepCanBeAddedInOrderWithAllItsColumns() {
        int n = 500;
        double[] train = new double[n];
        double[] validation = new double[n];
        double[] test = new double[n];
        double[] norms = new double[n * 2];
        double[] weights = new double[n * 2];
        for (int i = 0; i < n; i++) {
            train[i] = 100.0 / (i + 1);
            validation[i] = 1000 + i;
            test[i] = 2000 + i;
            norms[2 * i] = i;
            norms[2 * i + 1] = -i;
            weights[2 * i] = 0.5 * i;
            weights[2 * i + 1] = -0.5 * i;
        }
        HistoryChunk chunk = new HistoryChunk("job", 100, n, 2, train, validation, test, norms, weights);
        CoarseLevel.Row row = CoarseLevel.of(chunk);
        int missing = 0;
        while (java.util.Arrays.binarySearch(row.iterations(), 100 + missing) >= 0) {
            missing++;
        }

        CoarseLevel.Row with = CoarseLevel.withPoint(row, chunk, missing);

        assertThat(with.iterations())
                .hasSize(row.iterations().length + 1)
                .isSorted()
                .contains(100 + missing);
        int k = java.util.Arrays.binarySearch(with.iterations(), 100 + missing);
        assertThat(with.train()[k]).isEqualTo(train[missing]);
        assertThat(with.validation()[k]).isEqualTo(1000 + missing);
        assertThat(with.test()[k]).isEqualTo(2000 + missing);
        assertThat(with.gradientNorms()[2 * k]).isEqualTo(missing);
        assertThat(with.gradientNorms()[2 * k + 1]).isEqualTo(-missing);
        assertThat(with.weightNorms()[2 * k + 1]).isEqualTo(-0.5 * missing);
        // Every other point is where it was, with its own values.
        for (int j = 0; j < with.iterations().length; j++) {
            int i = with.iterations()[j] - 100;
            assertThat(with.train()[j]).isEqualTo(train[i]);
            assertThat(with.validation()[j]).isEqualTo(validation[i]);
            assertThat(with.gradientNorms()[2 * j]).isEqualTo(norms[2 * i]);
        }
        assertThat(CoarseLevel.withPoint(with, chunk, missing))
                .as("already kept")
                .isSameAs(with);
    }

    @Test
    void aSmallBatchIsKeptWhole() {
        HistoryChunk chunk = new HistoryChunk(
                "job", 0, 3, 1, new double[] {3, 2, 1}, new double[] {4, 5, 6}, null, new double[] {7, 8, 9});

        CoarseLevel.Row row = CoarseLevel.of(chunk);
        JobHistory history = CoarseLevel.history(List.of(row), 0, 1, Resolution.FULL);

        assertThat(row.iterations()).containsExactly(0, 1, 2);
        assertThat(history.iteration()).as("since 0 drops iteration 0").containsExactly(1, 2);
        assertThat(history.validation()).containsExactly(5, 6);
        assertThat(history.test()).isNull();
        assertThat(history.gradientNorms()[0]).containsExactly(8, 9);
    }

    @Test
    void theCoarseLevelKeepsTheWeightNormsOfItsPointsSoUpdateRatiosAreKnownOnIt() {
        int n = 1000;
        double[] train = new double[n];
        double[] norms = new double[n * 2];
        double[] weights = new double[n * 2];
        for (int i = 0; i < n; i++) {
            train[i] = 10.0 / (1 + i);
            norms[2 * i] = 1 + i;
            norms[2 * i + 1] = 2 + i;
            weights[2 * i] = 100 + i;
            weights[2 * i + 1] = 200 + i;
        }
        HistoryChunk chunk = new HistoryChunk("job", 50, n, 2, train, null, null, norms, weights);

        JobHistory coarse = CoarseLevel.history(List.of(CoarseLevel.of(chunk)), -1, 2, Resolution.COARSE);
        GradientsResponse gradients = GradientsResponse.from("job", coarse, 0.01);

        assertThat(coarse.size()).isBetween(3, CoarseLevel.POINTS_PER_BATCH);
        for (int k = 0; k < coarse.size(); k++) {
            int i = coarse.iteration()[k] - 50;
            assertThat(coarse.weightNorms()[0][k]).isEqualTo(100 + i);
            assertThat(coarse.weightNorms()[1][k]).isEqualTo(200 + i);
            assertThat(gradients.updateRatios().get("W1")[k]).isEqualTo(0.01 * (2 + i) / (200 + i));
        }
        assertThat(gradients.resolution()).isEqualTo("coarse");
    }

    @Test
    void coarseRowsStoredWithoutWeightNormsGiveUnknownUpdateRatios() {
        HistoryChunk chunk =
                new HistoryChunk("job", 0, 3, 1, new double[] {3, 2, 1}, null, null, new double[] {7, 8, 9});

        JobHistory coarse = CoarseLevel.history(List.of(CoarseLevel.of(chunk)), -1, 1, Resolution.FULL);

        assertThat(GradientsResponse.from("job", coarse, 0.1).updateRatios().get("W0"))
                .containsOnlyNulls();
    }
}
