package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The streamed downsampling keeps exactly what the whole-array one keeps (the same doubles, the same
 * choices), for every length and target, and a history read streamed in random batches with a
 * {@code since} gives exactly the points the whole read downsampled gives.
 *
 * <p>Arrays are compared with {@code isEqualTo} (same length, same elements in the same order): the
 * same check as {@code containsExactly}, whose diff costs the square of the length and took most of
 * this class's time over its tens of thousands of comparisons.
 */
class StreamedDownsamplingTests {

    private static int[] streamed(double[] x, double[] y, int target) {
        List<Integer> kept = new ArrayList<>();
        Downsampling.Streamed<Object> stream = new Downsampling.Streamed<>(x.length, target, (s, i) -> kept.add(i));
        for (int i = 0; i < x.length; i++) {
            stream.offer(x[i], y[i], null, i);
        }
        stream.finish();
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void keepsTheSameIndicesAsTheWholeArrayForEveryLengthAndTarget() {
        Random random = new Random(12);
        for (int n = 0; n <= 300; n++) {
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i * 3 + 7;
                y[i] = random.nextInt(4) == 0 ? random.nextDouble() * 1e3 : Math.log10(1 + i) + random.nextGaussian();
            }
            for (int target = 2; target <= n + 2; target++) {
                assertThat(streamed(x, y, target))
                        .as("n=%d target=%d", n, target)
                        .isEqualTo(Downsampling.largestTriangleThreeBuckets(x, y, target));
            }
        }
    }

    @Test
    void keepsTheSameIndicesOnLongCurvesWithAwkwardBucketSizes() {
        Random random = new Random(34);
        for (int run = 0; run < 60; run++) {
            int n = 1000 + random.nextInt(50_000);
            int target = 3 + random.nextInt(Math.min(n, 5_000));
            double[] x = new double[n];
            double[] y = new double[n];
            double level = 5;
            for (int i = 0; i < n; i++) {
                x[i] = i;
                level += random.nextGaussian() * 0.01;
                y[i] = random.nextInt(500) == 0 ? level + 3 : level;
            }
            assertThat(streamed(x, y, target))
                    .as("n=%d target=%d", n, target)
                    .isEqualTo(Downsampling.largestTriangleThreeBuckets(x, y, target));
        }
    }

    @Test
    void aShortSpikeBeforeASteepFallIsKeptWhereTheTrianglesAloneDropIt() {
        // A loss curve as training gives it: a jump to 3× the start at iteration 3, then a fall to a
        // long flat tail. With 400-point buckets the triangles prefer a point on the fall.
        int n = 200_001;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = Math.log10(i == 3 ? 15_000 : 4_700 * Math.exp(-i / 15.0) + 300 - i / 1000.0);
        }
        assertThat(Downsampling.largestTriangleThreeBuckets(x, y, 500)).doesNotContain(3);

        int[] kept = Downsampling.keepingExtremes(x, y, 500);

        assertThat(kept).contains(0, 3, n - 1).isSorted().doesNotHaveDuplicates();
        assertThat(kept.length).isLessThanOrEqualTo(500);
        List<Integer> streamed = new ArrayList<>();
        Downsampling.StreamedKeepingExtremes<Object> stream =
                new Downsampling.StreamedKeepingExtremes<>(n, 500, (s, i) -> streamed.add(i));
        for (int i = 0; i < n; i++) {
            stream.offer(x[i], y[i], null, i);
        }
        stream.finish();
        assertThat(streamed.stream().sorted().mapToInt(Integer::intValue).toArray())
                .isEqualTo(kept);
    }

    @Test
    void keepingExtremesStreamedIsTheSameChoiceAsOnTheWholeCurve() {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            int n = 2 + random.nextInt(3000);
            int target = 2 + random.nextInt(Math.max(1, n / 2));
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i;
                y[i] = random.nextInt(20) == 0 ? random.nextGaussian() * 10 : random.nextGaussian();
            }
            List<Integer> streamed = new ArrayList<>();
            Downsampling.StreamedKeepingExtremes<Object> stream =
                    new Downsampling.StreamedKeepingExtremes<>(n, target, (s, i) -> streamed.add(i));
            for (int i = 0; i < n; i++) {
                stream.offer(x[i], y[i], null, i);
            }
            stream.finish();
            int[] whole = Downsampling.keepingExtremes(x, y, target);
            assertThat(streamed.stream().sorted().mapToInt(Integer::intValue).toArray())
                    .as("n=%d target=%d", n, target)
                    .isEqualTo(whole);
            assertThat(whole.length).as("exactly as many as asked").isEqualTo(Math.min(target, n));
        }
    }

    @Test
    void keepingEveryCurvesExtremesStreamedIsTheSameChoiceAsOnTheWholeCurves() {
        Random random = new Random(13);
        for (int round = 0; round < 300; round++) {
            int n = 2 + random.nextInt(3000);
            int target = 2 + random.nextInt(Math.max(1, n / 2));
            int curves = random.nextInt(3);
            double[] x = new double[n];
            double[] y = new double[n];
            double[][] others = new double[curves][n];
            for (int i = 0; i < n; i++) {
                x[i] = i;
                y[i] = random.nextInt(20) == 0 ? random.nextGaussian() * 10 : random.nextGaussian();
                for (double[] curve : others) {
                    curve[i] = random.nextInt(4) == 0 ? 0 : random.nextGaussian();
                }
            }
            List<Integer> streamed = new ArrayList<>();
            Downsampling.StreamedKeepingExtremes<Object> stream =
                    new Downsampling.StreamedKeepingExtremes<>(n, target, curves, (s, i) -> streamed.add(i));
            double[] values = new double[curves];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < curves; c++) {
                    values[c] = others[c][i];
                }
                stream.offer(x[i], y[i], values, null, i);
            }
            stream.finish();
            int[] whole = Downsampling.keepingExtremes(x, y, target, others);
            assertThat(streamed.stream().sorted().mapToInt(Integer::intValue).toArray())
                    .as("n=%d target=%d curves=%d", n, target, curves)
                    .isEqualTo(whole);
            assertThat(whole.length).as("exactly as many as asked").isEqualTo(Math.min(target, n));
        }
    }

    @Test
    void withFewPointsAndExtremesAtTheEndsTheStreamedChoiceIsTheWholeCurvesToo() {
        Random random = new Random(17);
        for (int round = 0; round < 300; round++) {
            int n = 10 + random.nextInt(2000);
            int target = 5 + random.nextInt(4);
            int curves = random.nextInt(3);
            double[] x = new double[n];
            double[] y = new double[n];
            double[][] others = new double[curves][n];
            for (int i = 0; i < n; i++) {
                x[i] = i;
                // Falling: the shape's highest and lowest are often the first and the last point.
                y[i] = Math.log10(100 * Math.exp(-i * 5.0 / n) + 1) + random.nextGaussian() * 0.01;
                for (double[] curve : others) {
                    curve[i] = 2 - i / (double) n + random.nextGaussian() * 0.1;
                }
            }
            List<Integer> streamed = new ArrayList<>();
            Downsampling.StreamedKeepingExtremes<Object> stream =
                    new Downsampling.StreamedKeepingExtremes<>(n, target, curves, (s, i) -> streamed.add(i));
            double[] values = new double[curves];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < curves; c++) {
                    values[c] = others[c][i];
                }
                stream.offer(x[i], y[i], values, null, i);
            }
            stream.finish();

            assertThat(streamed.stream().sorted().mapToInt(Integer::intValue).toArray())
                    .as("n=%d target=%d curves=%d", n, target, curves)
                    .isEqualTo(Downsampling.keepingExtremes(x, y, target, others));
        }
    }

    @Test
    void aStreamThatEndsEarlyStillGivesAnAscendingChoiceWithItsEnds() {
        int n = 1000;
        List<Integer> kept = new ArrayList<>();
        Downsampling.Streamed<Object> stream = new Downsampling.Streamed<>(n, 50, (s, i) -> kept.add(i));
        for (int i = 0; i < 600; i++) {
            stream.offer(i, Math.sin(i / 10.0), null, i);
        }
        stream.finish();

        assertThat(kept).startsWith(0).endsWith(599).isSorted().doesNotHaveDuplicates();
        assertThat(kept.size()).isLessThanOrEqualTo(50);
    }

    @Test
    void aHistoryStreamedInBatchesGivesTheWholeReadDownsampled() {
        Random random = new Random(56);
        for (int run = 0; run < 30; run++) {
            int layers = 1 + random.nextInt(3);
            boolean validation = random.nextBoolean();
            List<HistoryChunk> chunks = new ArrayList<>();
            int first = 0;
            int total = 200 + random.nextInt(20_000);
            while (first < total) {
                int count = Math.min(total - first, 1 + random.nextInt(random.nextBoolean() ? 40 : 4096));
                chunks.add(chunk(random, first, count, layers, validation));
                first += count;
            }
            int since = random.nextBoolean() ? -1 : random.nextInt(total / 2);
            JobHistory whole = JobHistory.of(chunks, since, layers);
            int maxPoints = 2 + random.nextInt(whole.size() - 1);
            boolean byLoss = random.nextBoolean();
            double[] shape = whole.train();
            if (!byLoss) {
                shape = new double[whole.size()];
                for (double[] layer : whole.gradientNorms()) {
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] += layer[i];
                    }
                }
            }
            JobHistory expected = whole.downsample(maxPoints, shape);

            JobHistory.Builder kept = new JobHistory.Builder(layers, validation, false, maxPoints);
            Downsampling.StreamedKeepingExtremes<HistoryChunk> stream =
                    new Downsampling.StreamedKeepingExtremes<>(whole.size(), maxPoints, kept::add);
            for (HistoryChunk chunk : chunks) {
                for (int i = 0; i < chunk.count(); i++) {
                    int iteration = chunk.firstIteration() + i;
                    if (iteration > since) {
                        double value = chunk.train()[i];
                        if (!byLoss) {
                            value = 0;
                            for (int l = 0; l < layers; l++) {
                                value += chunk.gradientNorms()[i * layers + l];
                            }
                        }
                        stream.offer(iteration, Math.log10(Math.max(value, 1e-300)), chunk, i);
                    }
                }
            }
            stream.finish();
            JobHistory actual = kept.build();

            assertThat(actual.iteration()).isEqualTo(expected.iteration());
            assertThat(actual.train()).isEqualTo(expected.train());
            assertThat(actual.validation()).isEqualTo(expected.validation());
            for (int l = 0; l < layers; l++) {
                assertThat(actual.gradientNorms()[l]).isEqualTo(expected.gradientNorms()[l]);
                assertThat(actual.weightNorms()[l]).isEqualTo(expected.weightNorms()[l]);
            }
        }
    }

    private static HistoryChunk chunk(Random random, int first, int count, int layers, boolean validation) {
        double[] train = new double[count];
        double[] valid = validation ? new double[count] : null;
        double[] norms = new double[count * layers];
        double[] weights = new double[count * layers];
        for (int i = 0; i < count; i++) {
            train[i] = 100.0 / (1 + first + i) * (1 + 0.1 * random.nextGaussian());
            if (valid != null) {
                valid[i] = train[i] * 1.1;
            }
            for (int l = 0; l < layers; l++) {
                norms[i * layers + l] = Math.abs(random.nextGaussian()) * (random.nextInt(300) == 0 ? 1e4 : 1);
                weights[i * layers + l] = 1 + random.nextDouble();
            }
        }
        return new HistoryChunk("job", first, count, layers, train, valid, null, norms, weights);
    }
}
