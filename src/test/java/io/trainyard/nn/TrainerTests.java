package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Optimizers, mini-batches, early stopping and exact resume on the homework data. */
class TrainerTests {

    private static final RealMatrix[] TRAIN = Hw5.read("train");
    private static final RealMatrix[] TEST = Hw5.read("test");
    private static final Preprocessing NORMALIZE = Preprocessing.fit(TRAIN[0], 1, true);
    static final TrainingData DATA = new TrainingData(
            Samples.of(NORMALIZE.apply(TRAIN[0]), TRAIN[1]),
            Samples.of(NORMALIZE.apply(TEST[0].getSubMatrix(0, 99, 0, 4)), TEST[1].getSubMatrix(0, 99, 0, 0)),
            Samples.of(NORMALIZE.apply(TEST[0].getSubMatrix(100, 199, 0, 4)), TEST[1].getSubMatrix(100, 199, 0, 0)));

    static Stream<Arguments> resumablePlans() {
        EarlyStopping stopping = new EarlyStopping(4, 1.0, EarlyStopping.Monitor.VALIDATION, true);
        return Stream.of(
                Arguments.of("gd, full batch", TrainingPlan.fullBatch(0.0005, 60)),
                Arguments.of(
                        "momentum, full batch",
                        TrainingPlan.fullBatch(0.0001, 60).withOptimizer(Optimizer.momentum())),
                Arguments.of(
                        "adam, full batch", TrainingPlan.fullBatch(0.01, 60).withOptimizer(Optimizer.adam())),
                Arguments.of(
                        "gd, batches of 32", TrainingPlan.fullBatch(0.001, 60).withBatches(32, 5)),
                Arguments.of(
                        "momentum, batches of 50",
                        TrainingPlan.fullBatch(0.0002, 60)
                                .withOptimizer(new Optimizer.Momentum(0.8))
                                .withBatches(50, -3)),
                Arguments.of(
                        "adam, batches of 30, early stopping",
                        TrainingPlan.fullBatch(0.05, 400)
                                .withOptimizer(Optimizer.adam())
                                .withBatches(30, 17)
                                .withEarlyStopping(stopping)),
                Arguments.of(
                        "gd, batches of 64, early stopping keeping the last weights",
                        TrainingPlan.fullBatch(0.001, 400)
                                .withBatches(64, 1)
                                .withEarlyStopping(new EarlyStopping(3, 1.0, EarlyStopping.Monitor.TRAIN, false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumablePlans")
    void resumingFromACheckpointIsBitIdenticalToNeverStopping(String name, TrainingPlan plan) {
        Trainer trainer = new Trainer(plan);
        Network start = start(Activation.TANH, 7);
        LossHistory straightHistory = new LossHistory();
        AtomicReference<TrainingState> atTen = new AtomicReference<>();
        TrainingResult straight = trainer.train(
                start,
                DATA,
                new TrainingListener() {
                    @Override
                    public void onIteration(IterationReport report) {
                        straightHistory.onIteration(report);
                    }

                    @Override
                    public void onIteration(IterationReport report, TrainingView run) {
                        onIteration(report);
                        if (report.iteration() == 10) {
                            atTen.set(run.checkpoint());
                        }
                    }
                },
                () -> false);
        int points = straightHistory.size();
        if (plan.earlyStopping() != null) {
            assertThat(straight.stoppedEarly())
                    .as("the plan is meant to stop early")
                    .isTrue();
        }
        int k = points / 2;

        // Interrupted at k: the cancelled run hands back its state, which goes through bytes.
        TrainingResult interrupted = trainer.train(start, DATA, TrainingListener.NONE, new CancelAfter(k));
        assertThat(interrupted.outcome()).isEqualTo(TrainingResult.Outcome.CANCELLED);
        assertThat(interrupted.state().iteration()).isEqualTo(k);
        TrainingState checkpoint = TrainingState.decode(interrupted.state().encode());
        LossHistory resumedHistory = new LossHistory();
        TrainingResult resumed = trainer.resume(checkpoint, DATA, resumedHistory, () -> false);

        assertSameEnd(name + ", resumed at " + k, straight, resumed);
        assertThat(resumedHistory.size()).isEqualTo(points - k - 1);
        assertThat(resumedHistory.iterations()[0]).as("no gap and no duplicate").isEqualTo(k + 1);
        assertThat(resumedHistory.train()).isEqualTo(Arrays.copyOfRange(straightHistory.train(), k + 1, points));
        assertThat(resumedHistory.validation())
                .isEqualTo(Arrays.copyOfRange(straightHistory.validation(), k + 1, points));
        assertThat(resumedHistory.test()).isEqualTo(Arrays.copyOfRange(straightHistory.test(), k + 1, points));
        assertThat(resumedHistory.gradientNorms())
                .isDeepEqualTo(Arrays.copyOfRange(straightHistory.gradientNorms(), k + 1, points));

        // A checkpoint taken by a listener mid-run resumes just as well, and more than once.
        for (int attempt = 0; attempt < 2; attempt++) {
            assertSameEnd(
                    name + ", resumed at 10",
                    straight,
                    trainer.resume(atTen.get(), DATA, TrainingListener.NONE, () -> false));
        }
    }

    @Test
    void aBatchAsLargeAsTheTrainingSetIsFullBatchBitForBit() {
        int rows = DATA.train().rows();
        for (Optimizer optimizer : List.of(Optimizer.gd(), Optimizer.adam())) {
            TrainingPlan full = TrainingPlan.fullBatch(0.001, 30).withOptimizer(optimizer);
            Run expected = run(full, 3);
            for (int batchSize : new int[] {rows, rows + 1, 10 * rows}) {
                Run batched = run(full.withBatches(batchSize, 99), 3);
                assertThat(batched.history.train())
                        .as(optimizer + ", batch " + batchSize)
                        .isEqualTo(expected.history.train());
                assertSameWeights(
                        optimizer + ", batch " + batchSize, expected.result.network(), batched.result.network());
            }
            assertThat(run(full.withBatches(rows - 1, 99), 3).history.train())
                    .as("one row fewer is mini-batch")
                    .isNotEqualTo(expected.history.train());
        }
    }

    @Test
    void plainGradientDescentIsTheFullBatchGdPlan() {
        Network start = start(Activation.SIGMOID, 4);
        LossHistory viaDescent = new LossHistory();
        TrainingResult descent = new GradientDescent(0.0005, 25).train(start, DATA, viaDescent, () -> false);
        LossHistory viaPlan = new LossHistory();
        TrainingResult trainer =
                new Trainer(TrainingPlan.fullBatch(0.0005, 25)).train(start, DATA, viaPlan, () -> false);

        assertThat(viaPlan.train()).isEqualTo(viaDescent.train());
        assertSameWeights("gd", descent.network(), trainer.network());
        assertThat(descent.bestIteration()).isNull();
        assertThat(descent.stoppedEarly()).isFalse();
        assertThat(descent.networkPoint()).isSameAs(descent.last());
    }

    @Test
    void oneSeedGivesIdenticalMiniBatchRunsWhateverRunsBesideItAndAnotherSeedAnotherRun() throws Exception {
        TrainingPlan plan =
                TrainingPlan.fullBatch(0.01, 40).withOptimizer(Optimizer.adam()).withBatches(16, 2026);
        Run alone = run(plan, 5);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Run>> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Callable<Run> task = () -> run(plan, 5);
                others.add(pool.submit(task));
            }
            for (Future<Run> other : others) {
                Run run = other.get();
                assertThat(run.history.train()).isEqualTo(alone.history.train());
                assertThat(run.history.validation()).isEqualTo(alone.history.validation());
                assertThat(run.history.gradientNorms()).isDeepEqualTo(alone.history.gradientNorms());
                assertSameWeights("parallel run", alone.result.network(), run.result.network());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(run(plan.withBatches(16, 2027), 5).history.train())
                .as("another batch order")
                .isNotEqualTo(alone.history.train());
    }

    @Test
    void everyOptimizerLearnsHw5() {
        double startLoss = run(TrainingPlan.fullBatch(0.001, 0), 7).history.train()[0];
        for (TrainingPlan plan : List.of(
                TrainingPlan.fullBatch(0.0005, 300),
                TrainingPlan.fullBatch(0.0001, 300).withOptimizer(Optimizer.momentum()),
                TrainingPlan.fullBatch(0.05, 300).withOptimizer(Optimizer.adam()),
                TrainingPlan.fullBatch(0.01, 100)
                        .withOptimizer(Optimizer.adam())
                        .withBatches(20, 1))) {
            double[] train = run(plan, 7).history.train();
            // Predicting the mean scores about 2,800; a linear model about 1,380.
            assertThat(train[train.length - 1])
                    .as(plan.toString())
                    .isLessThan(1000)
                    .isLessThan(startLoss / 2);
        }
    }

    @Test
    void earlyStoppingKeepsTheBestPointsWeightsAndLosses() {
        TrainingPlan plan = TrainingPlan.fullBatch(0.05, 500)
                .withOptimizer(Optimizer.adam())
                .withBatches(20, 3)
                .withEarlyStopping(EarlyStopping.withPatience(5));
        Run run = run(plan, 11);

        assertThat(run.result.stoppedEarly()).isTrue();
        int best = run.result.bestIteration();
        double[] validation = run.history.validation();
        assertThat(run.history.size()).isEqualTo(best + 5 + 1);
        for (int i = 0; i < validation.length; i++) {
            assertThat(validation[i]).as("point %d", i).isGreaterThanOrEqualTo(validation[best]);
        }
        assertThat(run.result.networkPoint().iteration()).isEqualTo(best);
        assertThat(run.result.network().loss(DATA.validation())).isEqualTo(validation[best]);
        assertThat(run.result.last().iteration()).isEqualTo(best + 5);
    }

    @Test
    void reportsCarryWeightNormsAndUpdateRatios() {
        TrainingPlan plan = TrainingPlan.fullBatch(0.001, 3);
        List<IterationReport> reports = new ArrayList<>();
        List<Network> networks = new ArrayList<>();
        new Trainer(plan)
                .train(
                        start(Activation.RELU, 2),
                        DATA,
                        new TrainingListener() {
                            @Override
                            public void onIteration(IterationReport report) {
                                reports.add(report);
                            }

                            @Override
                            public void onIteration(IterationReport report, TrainingView run) {
                                onIteration(report);
                                networks.add(run.checkpoint().network());
                            }
                        },
                        () -> false);

        for (int i = 0; i < reports.size(); i++) {
            Network network = networks.get(i);
            for (int l = 0; l < network.depth(); l++) {
                double norm = network.weight(l).getFrobeniusNorm();
                assertThat(reports.get(i).weightNorms()[l])
                        .isCloseTo(norm, org.assertj.core.data.Offset.offset(1e-12 * norm));
                assertThat(reports.get(i).updateRatios(0.001)[l])
                        .isEqualTo(0.001
                                * reports.get(i).gradientNorms()[l]
                                / reports.get(i).weightNorms()[l]);
            }
        }
        assertThatThrownBy(() -> new IterationReport(0, 1, null, null, new double[1]).updateRatios(0.1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void encodingRoundTripsEveryField() {
        TrainingPlan plan = TrainingPlan.fullBatch(0.02, 50)
                .withOptimizer(new Optimizer.Adam(0.8, 0.99, 1e-7))
                .withBatches(33, Long.MIN_VALUE)
                .withEarlyStopping(new EarlyStopping(100, 0.5, EarlyStopping.Monitor.VALIDATION, true));
        TrainingState state = new Trainer(plan)
                .train(start(Activation.SIGMOID, 3), DATA, TrainingListener.NONE, new CancelAfter(12))
                .state();

        byte[] bytes = state.encode();
        TrainingState decoded = TrainingState.decode(bytes);

        assertThat(bytes[0]).isEqualTo(TrainingState.FORMAT_VERSION);
        assertThat(decoded.encode()).isEqualTo(bytes);
        assertThat(decoded.iteration()).isEqualTo(12);
        assertThat(decoded.optimizer()).isEqualTo(plan.optimizer());
        assertThat(decoded.optimizerStep()).isEqualTo(state.optimizerStep()).isEqualTo(12L * 13);
        assertThat(decoded.generatorState()).isEqualTo(state.generatorState());
        assertThat(decoded.bestIteration()).isEqualTo(state.bestIteration());
        assertThat(decoded.waitCount()).isEqualTo(state.waitCount());
        assertThat(decoded.last()).usingRecursiveComparison().isEqualTo(state.last());
        assertSameWeights("decoded", state.network(), decoded.network());
        assertThat(decoded.optimizer.weightSlots).isDeepEqualTo(state.optimizer.weightSlots);
        assertThat(decoded.optimizer.biasSlots).isDeepEqualTo(state.optimizer.biasSlots);
        assertSameWeights("best", state.bestNetwork, decoded.bestNetwork);

        assertThatThrownBy(() -> TrainingState.decode(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        byte[] later = bytes.clone();
        later[0] = 9;
        assertThatThrownBy(() -> TrainingState.decode(later)).hasMessageContaining("version 9");
        assertThatThrownBy(() -> TrainingState.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .hasMessageContaining("1 bytes after its end");
    }

    @Test
    void invalidSettingsFailFastNamingTheValue() {
        assertThatThrownBy(() -> new Optimizer.Momentum(1.0))
                .hasMessageContaining("beta")
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> new Optimizer.Momentum(-0.5)).hasMessageContaining("-0.5");
        assertThatThrownBy(() -> new Optimizer.Adam(0.9, 1.5, 1e-8))
                .hasMessageContaining("beta2")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> new Optimizer.Adam(Double.NaN, 0.999, 1e-8))
                .hasMessageContaining("beta1")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> new Optimizer.Adam(0.9, 0.999, 0))
                .hasMessageContaining("epsilon")
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> Optimizer.withDefaults("sgd"))
                .hasMessageContaining("'sgd'")
                .hasMessageContaining("[gd, momentum, adam]");
        assertThat(Optimizer.withDefaults("ADAM")).isEqualTo(new Optimizer.Adam(0.9, 0.999, 1e-8));
        assertThatThrownBy(() -> new EarlyStopping(0, 0, EarlyStopping.Monitor.TRAIN, true))
                .hasMessageContaining("patience")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new EarlyStopping(3, -1, EarlyStopping.Monitor.TRAIN, true))
                .hasMessageContaining("minDelta")
                .hasMessageContaining("-1.0");
        assertThatThrownBy(() -> EarlyStopping.Monitor.fromId("test"))
                .hasMessageContaining("'test'")
                .hasMessageContaining("[validation, train]");
        assertThatThrownBy(() -> TrainingPlan.fullBatch(0.1, 5).withBatches(0, 1))
                .hasMessageContaining("batchSize")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> TrainingPlan.fullBatch(Double.POSITIVE_INFINITY, 5))
                .hasMessageContaining("Infinity");
        assertThatThrownBy(() -> new TrainingPlan(0.1, 5, null, null, null, 0)).hasMessageContaining("optimizer");

        TrainingData noValidation = new TrainingData(DATA.train(), null, null);
        Trainer watchingValidation =
                new Trainer(TrainingPlan.fullBatch(0.1, 5).withEarlyStopping(EarlyStopping.withPatience(3)));
        assertThatThrownBy(() -> watchingValidation.train(start(Activation.RELU, 1), noValidation))
                .hasMessageContaining("no validation set");

        TrainingState gdState = new Trainer(TrainingPlan.fullBatch(0.001, 5))
                .train(start(Activation.RELU, 1), DATA, TrainingListener.NONE, () -> true)
                .state();
        assertThatThrownBy(() -> new Trainer(TrainingPlan.fullBatch(0.001, 5).withOptimizer(Optimizer.adam()))
                        .resume(gdState, DATA, TrainingListener.NONE, () -> false))
                .hasMessageContaining("Gd")
                .hasMessageContaining("Adam");
        assertThatThrownBy(() -> watchingValidation.resume(gdState, DATA, TrainingListener.NONE, () -> false))
                .hasMessageContaining("early stopping");
    }

    @Test
    void miniBatchesAreGatheredIntoPreallocatedBuffers() throws Exception {
        // In a JVM of its own, with this JVM's engine settings (see MiniBatchAllocationProbe for why). Up
        // to three JVMs: once in a while (a CI run on a busy machine) C2 compiles the loop's vector code
        // in a form that boxes its vectors for the JVM's whole life; a fresh JVM compiles it afresh,
        // while allocation by the loop itself would show in every one of them.
        long least = Long.MAX_VALUE;
        for (int jvm = 0; jvm < 3 && least >= MiniBatchAllocationProbe.BOUND; jvm++) {
            String measured = probeAllocation();
            assumeFalse("unsupported".equals(measured), "this JVM does not count allocated bytes");
            least = Math.min(least, Long.parseLong(measured));
        }
        // Gathering a batch into fresh arrays, or a fresh Propagation, would cost hundreds of bytes
        // a batch. What is left is Gemm's capturing lambda on the BLAS gradient path (about 40
        // bytes a layer), which the full-batch loop pays per iteration as well.
        assertThat(least).as("bytes allocated per batch").isLessThan(MiniBatchAllocationProbe.BOUND);
    }

    /** Runs {@link MiniBatchAllocationProbe} in a new JVM; what it printed after {@code bytes-per-batch}. */
    private static String probeAllocation() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("trainyard.") || name.startsWith("dev.ludovic."))
                .sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MiniBatchAllocationProbe.class.getName());
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        Matcher measured = Pattern.compile("bytes-per-batch (\\S+)").matcher(output);
        assertThat(measured.find()).as(output).isTrue();
        return measured.group(1);
    }

    private static void assertSameEnd(String what, TrainingResult expected, TrainingResult actual) {
        assertThat(actual.outcome()).as(what).isEqualTo(expected.outcome());
        assertThat(actual.updates()).as(what).isEqualTo(expected.updates());
        assertThat(actual.stoppedEarly()).as(what).isEqualTo(expected.stoppedEarly());
        assertThat(actual.bestIteration()).as(what).isEqualTo(expected.bestIteration());
        assertThat(actual.networkPoint()).as(what).usingRecursiveComparison().isEqualTo(expected.networkPoint());
        assertThat(actual.last()).as(what).usingRecursiveComparison().isEqualTo(expected.last());
        assertSameWeights(what, expected.network(), actual.network());
    }

    static void assertSameWeights(String what, Network expected, Network actual) {
        for (int l = 0; l < expected.depth(); l++) {
            assertThat(Arrays.equals(actual.weights[l], expected.weights[l]))
                    .as("%s: W%d bit for bit", what, l)
                    .isTrue();
            if (expected.hasBias()) {
                assertThat(Arrays.equals(actual.biases[l], expected.biases[l]))
                        .as("%s: b%d bit for bit", what, l)
                        .isTrue();
            }
        }
    }

    static Network start(Activation activation, long seed) {
        return Network.initialize(new int[] {5, 12, 1}, activation, true, 0.3, new Well19937c(seed));
    }

    private static Run run(TrainingPlan plan, long seed) {
        LossHistory history = new LossHistory();
        TrainingResult result = new Trainer(plan).train(start(Activation.TANH, seed), DATA, history, () -> false);
        return new Run(history, result);
    }

    private record Run(LossHistory history, TrainingResult result) {}

    /** Asks to stop once point {@code k} has been reported (the poll after point i is the (i+1)-th). */
    private static final class CancelAfter implements java.util.function.BooleanSupplier {
        private final int k;
        private int polls;

        CancelAfter(int k) {
            this.k = k;
        }

        @Override
        public boolean getAsBoolean() {
            return polls++ == k;
        }
    }
}
