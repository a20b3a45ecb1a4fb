package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryEstimateTests {

    /**
     * The estimate must be within this factor of what a run really holds (either way): close enough
     * to refuse a job that would not fit, loose enough for object headers and row arrays.
     */
    private static final double TOLERANCE = 1.5;

    /**
     * Measures the heap a job really holds while it trains: the used heap after a full collection,
     * taken once before the data exists and once from inside the run at point 0 (when every buffer
     * of the run is live), with the rows, the split, the preprocessed samples and the network all
     * still referenced. Allocation counters ({@code ThreadMXBean.getThreadAllocatedBytes}) were
     * tried first and rejected: before C2 compiles the Vector API kernels they box every vector,
     * so the same run "allocated" 13 to 120 MB against 8 MB live, depending on JIT state.
     */
    @ParameterizedTest(name = "{0} rows, layers {1}, {2}, batch {3}, restoreBest {4}")
    @CsvSource({
        "4000, 64;64, adam, 100, true",
        "4000, 64;64, gd, , false",
        "6000, 128, momentum, 64, false",
        "3000, 32;32;32, adam, 1000, true",
    })
    void theEstimateIsWithinAFactorOfWhatARunHolds(
            int rows, String hidden, String optimizerId, Integer batch, boolean restoreBest) {
        int rawInputs = 6;
        int degree = 2;
        int[] widths =
                Arrays.stream(hidden.split(";")).mapToInt(Integer::parseInt).toArray();
        int[] sizes = new int[widths.length + 2];
        sizes[0] = rawInputs * degree;
        System.arraycopy(widths, 0, sizes, 1, widths.length);
        sizes[sizes.length - 1] = 1;
        int validationRows = rows / 5;
        int testRows = rows / 4;
        int trainRows = rows - validationRows;
        Optimizer optimizer = Optimizer.withDefaults(optimizerId);
        TrainingPlan plan = new TrainingPlan(
                1e-6, 1, optimizer, batch, new EarlyStopping(5, 0, EarlyStopping.Monitor.VALIDATION, restoreBest), 1);
        long estimate = new MemoryEstimate(
                        rawInputs,
                        sizes,
                        true,
                        Activation.TANH,
                        trainRows,
                        validationRows,
                        testRows,
                        batch,
                        optimizer,
                        restoreBest)
                .bytes();

        long measured = heldWhileTraining(rows, testRows, validationRows, rawInputs, degree, sizes, plan);

        System.out.printf(
                "memory estimate %d bytes, held %d bytes, ratio %.3f%n",
                estimate, measured, (double) estimate / measured);
        assertThat((double) estimate)
                .as("estimate %d against %d held", estimate, measured)
                .isBetween(measured / TOLERANCE, measured * TOLERANCE);
    }

    private static long heldWhileTraining(
            int rows, int testRows, int validationRows, int rawInputs, int degree, int[] sizes, TrainingPlan plan) {
        long before = usedAfterCollection();
        Well19937c random = new Well19937c(3);
        // As decoded from the database: every row, and the test rows.
        double[][] x = matrix(rows, rawInputs, random);
        double[][] y = matrix(rows, 1, random);
        double[][] testX = matrix(testRows, rawInputs, random);
        double[][] testY = matrix(testRows, 1, random);
        int trainRows = rows - validationRows;
        // The split copies the rows it keeps and the rows it holds out.
        double[][] trainX = copy(x, 0, trainRows);
        double[][] trainY = copy(y, 0, trainRows);
        double[][] validationX = copy(x, trainRows, rows);
        double[][] validationY = copy(y, trainRows, rows);
        Preprocessing preprocessing = Preprocessing.fit(new Array2DRowRealMatrix(trainX, false), degree, true);
        RealMatrix[] expanded = {
            preprocessing.apply(new Array2DRowRealMatrix(trainX, false)),
            preprocessing.apply(new Array2DRowRealMatrix(validationX, false)),
            preprocessing.apply(new Array2DRowRealMatrix(testX, false))
        };
        Samples train = Samples.of(expanded[0], new Array2DRowRealMatrix(trainY, false));
        Samples validation = Samples.of(expanded[1], new Array2DRowRealMatrix(validationY, false));
        Samples test = Samples.of(expanded[2], new Array2DRowRealMatrix(testY, false));
        Network start = Network.initialize(sizes, Activation.TANH, true, 0.1, random);
        long[] during = new long[1];
        TrainingResult result = new Trainer(plan)
                .train(
                        start,
                        new TrainingData(train, validation, test),
                        report -> {
                            if (report.iteration() == 0) {
                                during[0] = usedAfterCollection();
                            }
                        },
                        () -> false);
        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
        // Keep everything a job keeps reachable until the measurement is taken.
        assertThat(x.length + y.length + testY.length + validationY.length + expanded.length)
                .isPositive();
        return during[0] - before;
    }

    private static long usedAfterCollection() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double[][] matrix(int rows, int columns, Well19937c random) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m;
    }

    private static double[][] copy(double[][] m, int from, int to) {
        double[][] out = new double[to - from][];
        for (int i = from; i < to; i++) {
            out[i - from] = m[i].clone();
        }
        return out;
    }

    @Test
    void hugeSizesSaturateInsteadOfOverflowing() {
        long bytes = new MemoryEstimate(
                        1000,
                        new int[] {1000, Integer.MAX_VALUE, Integer.MAX_VALUE, 1000},
                        true,
                        Activation.RELU,
                        Integer.MAX_VALUE,
                        Integer.MAX_VALUE,
                        Integer.MAX_VALUE,
                        null,
                        Optimizer.adam(),
                        true)
                .bytes();

        assertThat(bytes).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void optimizerStateAndBestWeightsAreCounted() {
        int[] sizes = {10, 100, 1};
        long gd = new MemoryEstimate(10, sizes, false, Activation.TANH, 10, 0, 0, null, Optimizer.gd(), false).bytes();
        long adam =
                new MemoryEstimate(10, sizes, false, Activation.TANH, 10, 0, 0, null, Optimizer.adam(), false).bytes();
        long adamBest =
                new MemoryEstimate(10, sizes, false, Activation.TANH, 10, 0, 0, null, Optimizer.adam(), true).bytes();
        long parameters = Network.parameterCount(sizes, false);

        assertThat(adam - gd).isEqualTo(2 * parameters * Double.BYTES);
        assertThat(adamBest - adam).isEqualTo(parameters * Double.BYTES);
    }

    @Test
    void aBatchSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> new MemoryEstimate(
                        1, new int[] {1, 1}, false, Activation.NONE, 1, 0, 0, 0, Optimizer.gd(), false))
                .hasMessageContaining("batchSize must be at least 1, got 0");
    }

    @Test
    void aPredictionCountsEveryLayerOfEveryRowAndSaturatesInsteadOfWrapping() {
        // Rows × (every width) × (pre-activation + activation) × 8 bytes.
        assertThat(MemoryEstimate.prediction(new int[] {1, 1024, 1}, 200_000)).isEqualTo(200_000L * 1026 * 16);
        int[] wide = {1024, 1024, 1024, 1024};
        assertThat(MemoryEstimate.prediction(wide, Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
    }
}
