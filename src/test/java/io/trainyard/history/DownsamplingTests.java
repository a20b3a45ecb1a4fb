package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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

    /**
     * Early stopping restores the model at validation's lowest point. Picked by the train curve alone,
     * a downsampled answer lost it: the train loss falls smoothly while validation dips once, at an
     * iteration the triangles on the train curve do not choose, and spikes once.
     */
    @Test
    void everyCurvesLowestAndHighestPointsAreKeptWhereTheTrainCurveAloneDropsThem() {
        int n = 100_000;
        double[] x = new double[n];
        double[] train = new double[n];
        double[] validation = new double[n];
        double[] test = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            train[i] = Math.log10(100 * Math.exp(-i / 20_000.0) + 1);
            validation[i] = 5 + Math.sin(i / 700.0) * 0.01;
            test[i] = 6 + Math.cos(i / 900.0) * 0.01;
        }
        int validationLowest = 41_234;
        int validationHighest = 77_777;
        int testLowest = 12_345;
        int testHighest = 98_765;
        validation[validationLowest] = 0.5;
        validation[validationHighest] = 50;
        test[testLowest] = 0.25;
        test[testHighest] = 60;
        int[] byTrainAlone = Downsampling.keepingExtremes(x, train, 500);
        assertThat(byTrainAlone).doesNotContain(validationLowest, validationHighest, testLowest, testHighest);

        int[] kept = Downsampling.keepingExtremes(x, train, 500, new double[][] {validation, test});

        assertThat(kept)
                .hasSize(500)
                .isSorted()
                .doesNotHaveDuplicates()
                .startsWith(0)
                .endsWith(n - 1)
                .contains(validationLowest, validationHighest, testLowest, testHighest)
                .contains(argMin(train), argMax(train));
    }

    @Test
    void theCountIsExactlyTheTargetAndTheChoiceTheSameEveryTime() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 300; round++) {
            int n = 2 + random.nextInt(3_000);
            int target = 2 + random.nextInt(Math.max(1, n));
            double[] x = new double[n];
            double[] train = new double[n];
            double[] validation = new double[n];
            double[] test = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i;
                train[i] = random.nextGaussian();
                validation[i] = random.nextInt(50) == 0 ? random.nextGaussian() * 100 : random.nextGaussian();
                test[i] = random.nextInt(3) == 0 ? 1 : random.nextGaussian(); // ties: the first one counts
            }
            double[][] others = {validation, test};

            int[] kept = Downsampling.keepingExtremes(x, train, target, others);

            assertThat(kept)
                    .as("n=%d target=%d", n, target)
                    .hasSize(Math.min(target, n))
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .isEqualTo(Downsampling.keepingExtremes(x, train, target, others));
            if (target >= 9 && target < n) {
                assertThat(kept)
                        .as("n=%d target=%d", n, target)
                        .contains(0, n - 1)
                        .contains(argMin(train), argMax(train))
                        .contains(argMin(validation), argMax(validation))
                        .contains(argMin(test), argMax(test));
            }
        }
    }

    @Test
    void withFewPointsTheTrainCurvesExtremesComeFirstThenTheOthersLowest() {
        int n = 1_000;
        double[] x = new double[n];
        double[] train = new double[n];
        double[] validation = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            train[i] = i == 500 ? 3 : 2 - i / 1000.0; // highest at 500, lowest at the end
            validation[i] = i == 300 ? 0 : i == 700 ? 9 : 1;
        }

        int[] six = Downsampling.keepingExtremes(x, train, 6, new double[][] {validation});

        // Room for three extremes besides the triangles' three points: train's highest, then validation's
        // lowest and highest (train's lowest is the last point, kept anyway).
        assertThat(six).hasSize(6).contains(0, 500, n - 1, 300, 700);
    }

    /**
     * Audit C, F1: an early-stopped job's 66 points, train falling from its first point to its last,
     * validation lowest at 60 (the point restored). At 5 points the train extremes, being the first and
     * last point, used up the room for extremes and 60 was left out although it fits.
     */
    @Test
    void extremesAtTheFirstOrLastPointTakeNoRoomSoValidationsLowestIsKeptFromFivePointsOn() {
        int n = 66;
        double[] x = new double[n];
        double[] train = new double[n];
        double[] validation = new double[n];
        double[] test = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            train[i] = Math.log10(50 * Math.exp(-i / 10.0) + 1);
            validation[i] = i <= 60 ? 30 - i * 0.4 : 6 + (i - 60) * 0.1; // lowest at 60, then rising
            test[i] = 28 - i * 0.3;
        }

        for (int target = 5; target < 9; target++) {
            int[] kept = Downsampling.keepingExtremes(x, train, target, new double[][] {validation, test});

            assertThat(kept)
                    .as("target %d", target)
                    .hasSize(target)
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .startsWith(0)
                    .endsWith(n - 1)
                    .contains(60);
        }
    }

    /**
     * The documented promise for fewer than 9 points: the extremes are kept in the order train
     * (highest, lowest), then the others' lowest, then their highest, as many as fit beside the
     * triangles' three points; those that are the first or last point are kept anyway and take no room.
     */
    @Test
    void withFewPointsTheExtremesThatFitAreKeptInTheirOrderWhereverTheyAre() {
        java.util.Random random = new java.util.Random(21);
        for (int round = 0; round < 500; round++) {
            int n = 10 + random.nextInt(2_000);
            int target = 5 + random.nextInt(4);
            int curves = random.nextInt(3);
            double[] x = new double[n];
            double[] train = new double[n];
            double[][] others = new double[curves][n];
            for (int i = 0; i < n; i++) {
                x[i] = i;
                // Falling, so that train's extremes are often the first and last point.
                train[i] = Math.log10(100 * Math.exp(-i * 5.0 / n) + 1) + random.nextGaussian() * 0.01;
                for (double[] curve : others) {
                    curve[i] = 2 - i / (double) n + random.nextGaussian() * 0.1;
                }
            }
            java.util.Set<Integer> ordered = new java.util.LinkedHashSet<>(List.of(argMax(train), argMin(train)));
            for (double[] curve : others) {
                ordered.add(argMin(curve));
            }
            for (double[] curve : others) {
                ordered.add(argMax(curve));
            }
            ordered.remove(0);
            ordered.remove(n - 1);
            List<Integer> promised = ordered.stream().limit(target - 3).toList();

            int[] kept = Downsampling.keepingExtremes(x, train, target, others);

            assertThat(kept)
                    .as("n=%d target=%d curves=%d", n, target, curves)
                    .hasSize(target)
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .startsWith(0)
                    .endsWith(n - 1);
            assertThat(java.util.Arrays.stream(kept).boxed().toList())
                    .as("n=%d target=%d curves=%d", n, target, curves)
                    .containsAll(promised);
        }
    }

    private static int argMin(double[] values) {
        int at = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[at]) {
                at = i;
            }
        }
        return at;
    }

    private static int argMax(double[] values) {
        int at = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[at]) {
                at = i;
            }
        }
        return at;
    }
}
