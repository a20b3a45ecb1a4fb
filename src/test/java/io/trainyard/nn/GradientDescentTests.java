package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class GradientDescentTests {

    private static final RealMatrix[] TRAIN = Hw5.read("train");
    private static final RealMatrix[] TEST = Hw5.read("test");

    @Test
    void sameSeedGivesBitIdenticalHistoryAndWeightsWhateverRunsBesideIt() throws Exception {
        Run alone = run(42);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Run>> concurrent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                concurrent.add(pool.submit(() -> run(42)));
            }
            for (Future<Run> other : concurrent) {
                Run run = other.get();
                assertThat(run.history.train()).isEqualTo(alone.history.train());
                assertThat(run.history.test()).isEqualTo(alone.history.test());
                assertThat(run.history.gradientNorms()).isDeepEqualTo(alone.history.gradientNorms());
                for (int l = 0; l < alone.result.network().depth(); l++) {
                    assertThat(run.result.network().weight(l).getData())
                            .isDeepEqualTo(alone.result.network().weight(l).getData());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(run(43).history.train()).as("another seed gives another run").isNotEqualTo(alone.history.train());
    }

    @Test
    void wideNetworksWhoseProductsAreCutIntoBlocksAreBitIdenticalWhateverRunsBesideIt() throws Exception {
        // Products here are large enough for the BLAS kernels and for cutting into several blocks
        // (see Gemm), so this covers the multi-threaded path the hw5 test above never reaches.
        Well19937c random = new Well19937c(11);
        RealMatrix x = org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(1000, 30);
        RealMatrix y = org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(1000, 1);
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 30; j++) {
                x.setEntry(i, j, random.nextGaussian());
            }
            y.setEntry(i, 0, Math.sin(x.getEntry(i, 0)) + 0.1 * random.nextGaussian());
        }
        TrainingData data = TrainingData.of(Samples.of(x, y));
        java.util.concurrent.Callable<LossHistory> run = () -> {
            Network start =
                    Network.initialize(new int[] {30, 64, 64, 1}, Activation.SIGMOID, true, 0.1, new Well19937c(5));
            LossHistory history = new LossHistory();
            new GradientDescent(1e-4, 20).train(start, data, history, () -> false);
            return history;
        };
        LossHistory alone = run.call();

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<LossHistory>> concurrent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                concurrent.add(pool.submit(run));
            }
            for (Future<LossHistory> other : concurrent) {
                assertThat(other.get().train()).isEqualTo(alone.train());
                assertThat(other.get().gradientNorms()).isDeepEqualTo(alone.gradientNorms());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNormalisedSigmoidNetworkWithBiasLearnsHw5() {
        Run run = run(7);

        assertThat(run.result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
        double[] train = run.history.train();
        // Predicting the mean scores about 2,800 (train) and 1,700 (test); a linear model about 1,380 / 720.
        assertThat(train[train.length - 1]).isLessThan(700);
        double[] test = run.history.test();
        assertThat(test[test.length - 1]).isLessThan(500);
    }

    @Test
    void aTestOrValidationLossThatIsNotANumberEndsTheRunAsDiverged() {
        Preprocessing none = Preprocessing.identity();
        Network start = Network.initialize(new int[] {5, 10, 1}, Activation.SIGMOID, true, 0.1, new Well19937c(1));
        // Targets whose squared errors overflow a double: the training rows are fine.
        Samples huge =
                Samples.of(TEST[0].getSubMatrix(0, 1, 0, 4), new Array2DRowRealMatrix(new double[][] {{1e200}, {1}}));
        TrainingData data = data(none);

        for (boolean validation : new boolean[] {true, false}) {
            LossHistory history = new LossHistory();
            TrainingData bad = validation
                    ? new TrainingData(data.train(), huge, data.test())
                    : new TrainingData(data.train(), null, huge);

            TrainingResult result = new GradientDescent(1e-6, 10).train(start, bad, history, () -> false);

            assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.DIVERGED);
            assertThat(result.message())
                    .startsWith("diverged at iteration 0: " + (validation ? "validation" : "test") + " loss is Infinity"
                            + " (train loss ");
            assertThat(history.size())
                    .as("no point with a loss that is not a number")
                    .isZero();
        }
    }

    @Test
    void hugeAlphaEndsAsDivergedWithTheHistorySoFar() {
        Preprocessing none = Preprocessing.identity();
        Network start = Network.initialize(new int[] {5, 10, 1}, Activation.RELU, true, 0.1, new Well19937c(1));
        LossHistory history = new LossHistory();

        TrainingResult result = new GradientDescent(1.0, 1000).train(start, data(none), history, () -> false);

        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.DIVERGED);
        assertThat(result.message())
                .startsWith("diverged at iteration " + history.size() + ": train loss is ")
                .endsWith("; the history ends at iteration " + (history.size() - 1) + ", its last finite point");
        assertThat(result.updates()).isEqualTo(history.size());
        assertThat(history.size()).isGreaterThan(0).isLessThan(1000);
        assertThat(java.util.Arrays.stream(history.train()).allMatch(Double::isFinite))
                .isTrue();
        assertThat(result.last().iteration()).isEqualTo(history.size() - 1);
    }

    @Test
    void cancellingStopsBetweenIterationsAndKeepsTheWeightsOfTheLastPoint() {
        AtomicInteger seen = new AtomicInteger();
        LossHistory history = new LossHistory();
        Network start = Network.initialize(new int[] {5, 4, 1}, Activation.TANH, false, 0.1, new Well19937c(3));

        TrainingResult result = new GradientDescent(1e-5, 1000)
                .train(
                        start,
                        data(Preprocessing.identity()),
                        report -> {
                            history.onIteration(report);
                            seen.incrementAndGet();
                        },
                        () -> seen.get() >= 10);

        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.CANCELLED);
        assertThat(history.size()).isEqualTo(10);
        assertThat(result.updates()).isEqualTo(9);
        Samples train = Samples.of(TRAIN[0], TRAIN[1]);
        assertThat(result.network().loss(train)).isEqualTo(history.train()[9]);
    }

    @Test
    void zeroIterationsReportsTheStartingPointOnly() {
        Network start = Network.initialize(new int[] {5, 1}, Activation.NONE, false, 0.1, new Well19937c(3));
        LossHistory history = new LossHistory();

        TrainingResult result =
                new GradientDescent(0.1, 0).train(start, data(Preprocessing.identity()), history, () -> false);

        assertThat(history.size()).isEqualTo(1);
        assertThat(result.updates()).isZero();
        assertThat(result.network().weight(0).getData())
                .isDeepEqualTo(start.weight(0).getData());
    }

    @Test
    void validationLossIsReportedBesideTrainAndTest() {
        Samples all = Samples.of(TRAIN[0], TRAIN[1]);
        Samples validation = Samples.of(TEST[0].getSubMatrix(0, 49, 0, 4), TEST[1].getSubMatrix(0, 49, 0, 0));
        Network start = Network.initialize(new int[] {5, 1}, Activation.NONE, false, 0.1, new Well19937c(3));
        LossHistory history = new LossHistory();

        new GradientDescent(1e-6, 3).train(start, new TrainingData(all, validation, null), history, () -> false);

        assertThat(history.validation()).hasSize(4);
        assertThat(java.util.Arrays.stream(history.validation()).allMatch(Double::isFinite))
                .isTrue();
        assertThat(java.util.Arrays.stream(history.test()).allMatch(Double::isNaN))
                .isTrue();
    }

    @Test
    void rejectsMeaninglessSettingsWithTheOffendingValue() {
        assertThatThrownBy(() -> new GradientDescent(0, 10))
                .hasMessageContaining("alpha")
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> new GradientDescent(Double.NaN, 10)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new GradientDescent(0.1, -1)).hasMessageContaining("-1");
        assertThatThrownBy(
                        () -> Network.initialize(new int[] {3, 0, 1}, Activation.RELU, false, 0.1, new Well19937c(1)))
                .hasMessageContaining("[3, 0, 1]");
        assertThatThrownBy(() -> Network.initialize(new int[] {3}, Activation.RELU, false, 0.1, new Well19937c(1)))
                .hasMessageContaining("[3]");
        Network network = Network.initialize(new int[] {3, 2, 1}, Activation.RELU, false, 0.1, new Well19937c(1));
        assertThatThrownBy(() -> network.predict(TRAIN[0]))
                .hasMessageContaining("5 columns")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> Network.of(
                        new int[] {3, 2, 1}, Activation.RELU, List.of(network.weight(0), network.weight(0)), null))
                .hasMessageContaining("W1 is 3×2")
                .hasMessageContaining("2×1");
    }

    private static TrainingData data(Preprocessing preprocessing) {
        return new TrainingData(
                Samples.of(preprocessing.apply(TRAIN[0]), TRAIN[1]),
                null,
                Samples.of(preprocessing.apply(TEST[0]), TEST[1]));
    }

    private static Run run(long seed) {
        Preprocessing preprocessing = Preprocessing.fit(TRAIN[0], 1, true);
        Network start = Network.initialize(new int[] {5, 20, 1}, Activation.SIGMOID, true, 0.1, new Well19937c(seed));
        LossHistory history = new LossHistory();
        TrainingResult result =
                new GradientDescent(0.0005, 2000).train(start, data(preprocessing), history, () -> false);
        return new Run(history, result);
    }

    private record Run(LossHistory history, TrainingResult result) {}
}
