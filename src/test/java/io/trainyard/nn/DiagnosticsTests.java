package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** Each flag on a network built to have that problem, and none on a healthy one. */
class DiagnosticsTests {

    private static final RealMatrix[] TRAIN = Hw5.read("train");
    private static final Preprocessing NORMALIZE = Preprocessing.fit(TRAIN[0], 1, true);
    private static final Samples ROWS = Samples.of(NORMALIZE.apply(TRAIN[0]), TRAIN[1]);

    @Test
    void aDeepSigmoidNetworkAtSmallScaleHasVanishingGradients() {
        int[] sizes = {5, 10, 10, 10, 10, 10, 10, 10, 10, 10, 1};
        Network network = Network.initialize(sizes, Activation.SIGMOID, true, 0.1, new Well19937c(1));

        Diagnostics diagnostics = new Trainer(TrainingPlan.fullBatch(0.001, 0))
                .train(network, TrainingData.of(ROWS))
                .diagnostics();

        assertThat(diagnostics.layers()).hasSize(10);
        assertThat(types(diagnostics))
                .contains(Diagnostics.VANISHING_GRADIENTS)
                .doesNotContain(Diagnostics.EXPLODING_GRADIENTS, Diagnostics.DEAD_UNITS);
        Diagnostics.Flag first = diagnostics.flags().get(0);
        assertThat(first.layer()).isZero();
        assertThat(first.detail()).contains("W0").contains("normalize").contains("scale");
        Diagnostics.Layer w0 = diagnostics.layers().get(0);
        Diagnostics.Layer w9 = diagnostics.layers().get(9);
        assertThat(w0.gradientNorm()).isLessThan(Diagnostics.VANISHING_RATIO * w9.gradientNorm());
        assertThat(w0.updateRatio()).isEqualTo(0.001 * w0.gradientNorm() / w0.weightNorm());
        assertThat(w0.saturatedShare()).isNotNull();
        assertThat(w0.deadShare()).as("sigmoid units do not die").isNull();
        assertThat(w9.saturatedShare())
                .as("the output matrix feeds no hidden layer")
                .isNull();
    }

    @Test
    void aDivergedRunIsFlaggedAsExplodingNotAsVanishingBesideAnInfiniteNorm() {
        Network network = Network.initialize(new int[] {5, 10, 1}, Activation.SIGMOID, false, 0.1, new Well19937c(1));

        // As a run that diverged at this point leaves them: one norm infinite, the others finite.
        Diagnostics diagnostics = Diagnostics.compute(
                network,
                null,
                1.0,
                new double[] {1, 1},
                new double[] {1e-105, Double.POSITIVE_INFINITY},
                new double[] {2, 3},
                true,
                false);

        assertThat(types(diagnostics)).containsExactly(Diagnostics.EXPLODING_GRADIENTS);
        assertThat(diagnostics.flags().get(0).detail())
                .isEqualTo("The loss stopped being a finite number: the steps overshot. "
                        + "Try a smaller alpha, normalize: true, or a smaller scale.");
    }

    /**
     * Audit C, F3: a diverged sigmoid job's last finite point had W1's norm at 5.41e155 and W0's at
     * 7.45e3; W0 was also flagged as vanishing, with advice (relu, fewer layers) for a run that did not
     * blow up. Only the divergence is flagged.
     */
    @Test
    void aDivergedRunWithAHugeButFiniteNormIsNotAlsoFlaggedAsVanishing() {
        Network network = Network.initialize(new int[] {5, 50, 1}, Activation.SIGMOID, false, 0.1, new Well19937c(4));

        Diagnostics diagnostics = Diagnostics.compute(
                network,
                null,
                0.0005,
                new double[] {300, 900},
                new double[] {7.45e3, 5.41e155},
                new double[] {20, 1e80},
                true,
                true);

        assertThat(types(diagnostics)).containsExactly(Diagnostics.EXPLODING_GRADIENTS);
        assertThat(diagnostics.flags().get(0).layer()).isNull();
    }

    @Test
    void aLayerWhoseGradientExplodedIsNoReferenceForVanishingOnes() {
        Network network = Network.initialize(new int[] {5, 10, 1}, Activation.SIGMOID, false, 0.1, new Well19937c(1));
        double[] first = {1, 1};

        // W1 grew 1e9-fold since point 0: beside it W0 looks vanishing, but the advice is W1's explosion.
        Diagnostics exploded = Diagnostics.compute(
                network, null, 1e-3, first, new double[] {3, 1e9}, new double[] {2, 3}, false, true);
        // The same ratio between the layers with nothing exploding: W0 is vanishing.
        Diagnostics steady = Diagnostics.compute(
                network, null, 1e-3, first, new double[] {3e-9, 1}, new double[] {2, 3}, false, true);

        assertThat(exploded.flags()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(Diagnostics.EXPLODING_GRADIENTS);
            assertThat(f.layer()).isEqualTo(1);
        });
        assertThat(steady.flags()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(Diagnostics.VANISHING_GRADIENTS);
            assertThat(f.layer()).isZero();
        });
    }

    /**
     * Audit (session 31): eight sigmoid layers at scale 0.01. W0's gradient grew from 6.74e-15 to 1.2e-10,
     * more than 1e4-fold, while W6's is 1.3: it was flagged as exploding, with advice for a smaller scale
     * (the cause was the small scale), and that flag suppressed every vanishing one.
     */
    @Test
    void aTinyGradientThatGrewFromATinierStartIsVanishingNotExploding() {
        int[] sizes = {5, 10, 10, 10, 10, 10, 10, 10, 10, 1};
        Network network = Network.initialize(sizes, Activation.SIGMOID, true, 0.01, new Well19937c(1));
        double[] first = {6.74e-15, 2.0e-13, 3.0e-11, 4.0e-9, 5.0e-7, 6.0e-5, 0.9, 0.8, 0.5};
        double[] now = {1.2e-10, 5.9e-10, 7.8e-8, 1.1e-5, 1.2e-3, 0.13, 1.3, 0.91, 0.56};
        double[] weights = {0.4, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.1};

        Diagnostics diagnostics = Diagnostics.compute(network, null, 1e-3, first, now, weights, false, true);

        assertThat(diagnostics.flags())
                .extracting(Diagnostics.Flag::type, Diagnostics.Flag::layer)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Diagnostics.VANISHING_GRADIENTS, 0),
                        org.assertj.core.groups.Tuple.tuple(Diagnostics.VANISHING_GRADIENTS, 1),
                        org.assertj.core.groups.Tuple.tuple(Diagnostics.VANISHING_GRADIENTS, 2),
                        org.assertj.core.groups.Tuple.tuple(Diagnostics.VANISHING_GRADIENTS, 3));
        assertThat(diagnostics.flags().get(0).detail()).contains("a scale near 1/sqrt(layer width)");
    }

    @Test
    void aJobThatNormalizesAlreadyIsNotAdvisedToNormalize() {
        // Saturated by a large scale, on inputs that are normalised: the advice is the scale and alpha.
        Network network = Network.initialize(new int[] {5, 8, 1}, Activation.SIGMOID, true, 20, new Well19937c(4));
        TrainingData data = TrainingData.of(ROWS);

        Diagnostics told = new Trainer(TrainingPlan.fullBatch(0.001, 0), true)
                .train(network, data)
                .diagnostics();
        Diagnostics untold = new Trainer(TrainingPlan.fullBatch(0.001, 0), false)
                .train(network, data)
                .diagnostics();

        assertThat(told.flags())
                .filteredOn(f -> f.type().equals(Diagnostics.SATURATED_UNITS))
                .singleElement()
                .satisfies(f -> assertThat(f.detail())
                        .endsWith("Try a smaller scale or a smaller alpha.")
                        .doesNotContain("normalize"));
        assertThat(untold.flags())
                .filteredOn(f -> f.type().equals(Diagnostics.SATURATED_UNITS))
                .singleElement()
                .satisfies(f ->
                        assertThat(f.detail()).endsWith("Try normalize: true, a smaller scale, or a smaller alpha."));
        assertThat(Diagnostics.tryThese(null, null)).isEmpty();
        assertThat(Diagnostics.tryThese("tanh", null)).isEqualTo("Try tanh.");
    }

    @Test
    void reluUnitsWithStronglyNegativeBiasesAreDead() {
        Network healthy = Network.initialize(new int[] {5, 8, 1}, Activation.RELU, true, 0.5, new Well19937c(2));
        List<RealVector> biases = new ArrayList<>(healthy.biases());
        double[] b0 = new double[8];
        Arrays.fill(b0, -50);
        b0[0] = 0.5; // one unit of eight survives: the share is 7/8, not simply "everything"
        biases.set(0, new ArrayRealVector(b0));
        Network dead = Network.of(healthy.layerSizes(), Activation.RELU, healthy.weights(), biases);

        Diagnostics diagnostics = Diagnostics.of(
                dead, ROWS, 0.001, null, dead.lossAndGradient(ROWS).gradients().norms());

        assertThat(diagnostics.layers().get(0).deadShare()).isEqualTo(7.0 / 8);
        assertThat(diagnostics.flags())
                .filteredOn(f -> f.type().equals(Diagnostics.DEAD_UNITS))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.layer()).isZero();
                    assertThat(f.detail()).contains("88%").contains("smaller alpha");
                });
        assertThat(types(Diagnostics.of(
                        healthy,
                        ROWS,
                        0.001,
                        null,
                        healthy.lossAndGradient(ROWS).gradients().norms())))
                .as("the same network with its own biases")
                .isEmpty();
    }

    @Test
    void sigmoidUnitsDrivenFarFromZeroAreSaturated() {
        Network network = Network.initialize(new int[] {5, 8, 1}, Activation.SIGMOID, true, 20, new Well19937c(4));

        Diagnostics diagnostics = Diagnostics.of(
                network,
                ROWS,
                0.001,
                null,
                network.lossAndGradient(ROWS).gradients().norms());

        assertThat(diagnostics.layers().get(0).saturatedShare()).isGreaterThanOrEqualTo(Diagnostics.FLAGGED_SHARE);
        assertThat(types(diagnostics)).contains(Diagnostics.SATURATED_UNITS);
    }

    @Test
    void aDeepLinearNetworkAtLargeScaleExplodes() {
        int[] sizes = {5, 10, 10, 10, 10, 10, 10, 1};
        Network network = Network.initialize(sizes, Activation.NONE, false, 1.5, new Well19937c(3));

        TrainingResult result = new Trainer(TrainingPlan.fullBatch(1e-6, 200)).train(network, TrainingData.of(ROWS));

        assertThat(types(result.diagnostics())).contains(Diagnostics.EXPLODING_GRADIENTS);
        assertThat(result.diagnostics().flags())
                .filteredOn(f -> f.type().equals(Diagnostics.EXPLODING_GRADIENTS))
                .first()
                .satisfies(f -> assertThat(f.detail()).contains("smaller alpha"));
    }

    @Test
    void aDivergedRunIsFlaggedAsExplodingForTheWholeNetwork() {
        Network network = Network.initialize(new int[] {5, 10, 1}, Activation.RELU, true, 0.1, new Well19937c(1));

        TrainingResult result = new Trainer(TrainingPlan.fullBatch(1.0, 1000))
                .train(network, new TrainingData(Samples.of(TRAIN[0], TRAIN[1]), null, null));

        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.DIVERGED);
        assertThat(result.diagnostics().flags()).first().satisfies(f -> {
            assertThat(f.type()).isEqualTo(Diagnostics.EXPLODING_GRADIENTS);
            assertThat(f.layer()).isNull();
        });
        assertThat(result.diagnostics().layers())
                .allSatisfy(l -> assertThat(l.weightNorm()).isFinite());
    }

    @Test
    void aLossThatIsNotFiniteAtTheStartIsNotBlamedOnStepsThatNeverHappened() {
        Network network = Network.initialize(new int[] {5, 10, 1}, Activation.SIGMOID, true, 0.1, new Well19937c(1));
        // Finite targets whose squares overflow a double: the loss of any starting weights is infinite.
        RealMatrix huge = TRAIN[1].scalarMultiply(1e160);

        TrainingResult result = new Trainer(TrainingPlan.fullBatch(1e-9, 100))
                .train(network, new TrainingData(Samples.of(NORMALIZE.apply(TRAIN[0]), huge), null, null));

        assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.DIVERGED);
        assertThat(result.updates()).isZero();
        assertThat(result.diagnostics().flags()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(Diagnostics.EXPLODING_GRADIENTS);
            assertThat(f.detail())
                    .contains("before any step")
                    .contains("targets")
                    .doesNotContain("alpha");
        });
    }

    @Test
    void aNormalisedShallowNetworkIsHealthyAndTheRunningViewAgreesWithTheStandaloneComputation() {
        Network network = Network.initialize(new int[] {5, 20, 1}, Activation.SIGMOID, true, 0.1, new Well19937c(7));
        AtomicReference<Diagnostics> atFive = new AtomicReference<>();
        AtomicReference<TrainingState> stateAtFive = new AtomicReference<>();
        List<double[]> norms = new ArrayList<>();

        TrainingResult result = new Trainer(TrainingPlan.fullBatch(0.0005, 20))
                .train(
                        network,
                        TrainingData.of(ROWS),
                        new TrainingListener() {
                            @Override
                            public void onIteration(IterationReport report) {
                                norms.add(report.gradientNorms());
                            }

                            @Override
                            public void onIteration(IterationReport report, TrainingView run) {
                                onIteration(report);
                                if (report.iteration() == 5) {
                                    atFive.set(run.diagnostics());
                                    stateAtFive.set(run.checkpoint());
                                }
                            }
                        },
                        () -> false);

        assertThat(result.diagnostics().flags()).isEmpty();
        assertThat(atFive.get())
                .isEqualTo(Diagnostics.of(stateAtFive.get().network(), ROWS, 0.0005, norms.get(0), norms.get(5)));
    }

    private static List<String> types(Diagnostics diagnostics) {
        return diagnostics.flags().stream().map(Diagnostics.Flag::type).toList();
    }
}
