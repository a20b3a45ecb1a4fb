package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused small-network kernel against a plain textbook computation (Commons Math products, one
 * step at a time), on sample counts that are not a multiple of the SIMD width so the padding is
 * exercised. Runs on every engine path the surefire executions set up; on the BLAS-only one the
 * same comparison checks the BLAS path. The backup race runs in the default run only (pom.xml).
 */
class SmallNetworkKernelTests {

    @Test
    void theHomeworkAndStudyNetworksTakeTheFusedPathAndWideOnesDoNot() {
        assertThat(SmallNetworkKernel.fits(new int[] {5, 20, 1})).isEqualTo(SmallNetworkKernel.ENABLED);
        assertThat(SmallNetworkKernel.fits(new int[] {5, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 1}))
                .isEqualTo(SmallNetworkKernel.ENABLED);
        assertThat(SmallNetworkKernel.fits(new int[] {100, 256, 256, 1})).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"sigmoid, true, 37", "relu, true, 8", "tanh, false, 1", "none, true, 45", "sigmoid, false, 400"})
    void lossGradientsAndPredictionsMatchTheTextbookComputation(String activationId, boolean bias, int rows) {
        Activation activation = Activation.fromId(activationId);
        Well19937c random = new Well19937c(rows);
        int[] sizes = {5, 20, 20, 3};
        Network network = Network.initialize(sizes, activation, bias, 0.5, random);
        RealMatrix x = gaussian(rows, 5, random);
        RealMatrix y = gaussian(rows, 3, random);

        List<RealMatrix> a = new ArrayList<>();
        List<RealMatrix> in = new ArrayList<>();
        a.add(x);
        in.add(x);
        RealMatrix current = x;
        for (int l = 0; l < network.depth(); l++) {
            RealMatrix z = current.multiply(network.weight(l));
            if (bias) {
                for (int i = 0; i < rows; i++) {
                    z.setRowVector(i, z.getRowVector(i).add(network.biases().get(l)));
                }
            }
            in.add(z);
            current = l == network.depth() - 1 ? z : z.copy();
            if (l < network.depth() - 1) {
                final RealMatrix zz = z;
                RealMatrix act = new Array2DRowRealMatrix(rows, z.getColumnDimension());
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < z.getColumnDimension(); j++) {
                        act.setEntry(i, j, activation.apply(zz.getEntry(i, j)));
                    }
                }
                current = act;
            }
            a.add(current);
        }
        RealMatrix predicted = current;
        RealMatrix delta = predicted.subtract(y).scalarMultiply(2.0);
        double expectedLoss = 0;
        for (int i = 0; i < rows; i++) {
            expectedLoss += y.getRowVector(i)
                    .subtract(predicted.getRowVector(i))
                    .dotProduct(y.getRowVector(i).subtract(predicted.getRowVector(i)));
        }
        RealMatrix[] expectedW = new RealMatrix[network.depth()];
        double[][] expectedB = new double[network.depth()][];
        for (int l = network.depth() - 1; l >= 0; l--) {
            expectedW[l] = a.get(l).transpose().multiply(delta);
            expectedB[l] = new double[delta.getColumnDimension()];
            for (int j = 0; j < delta.getColumnDimension(); j++) {
                expectedB[l][j] = sum(delta.getColumn(j));
            }
            if (l > 0) {
                RealMatrix back = delta.multiply(network.weight(l).transpose());
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < back.getColumnDimension(); j++) {
                        back.setEntry(
                                i,
                                j,
                                back.getEntry(i, j)
                                        * activation.derivative(
                                                in.get(l).getEntry(i, j),
                                                a.get(l).getEntry(i, j)));
                    }
                }
                delta = back;
            }
        }

        LossAndGradient actual = network.lossAndGradient(Samples.of(x, y));
        assertThat(actual.loss()).isCloseTo(expectedLoss, org.assertj.core.data.Offset.offset(1e-11 * expectedLoss));
        for (int l = 0; l < network.depth(); l++) {
            assertClose(actual.gradients().weight(l), expectedW[l]);
            if (bias) {
                assertClose(
                        new Array2DRowRealMatrix(
                                actual.gradients().biases().get(l).toArray()),
                        new Array2DRowRealMatrix(expectedB[l]));
            }
        }
        assertClose(network.predict(x), predicted);
        ForwardCache cache = network.forward(x);
        assertClose(cache.output(), predicted);
        assertClose(cache.get("A2"), a.get(2));
        assertClose(cache.get("IN1"), in.get(1));
        assertThat(network.loss(Samples.of(x, y))).isEqualTo(actual.loss());
    }

    @ParameterizedTest
    @CsvSource({"5-20-1, 400", "5-20-20-20-20-20-20-20-20-20-20-1, 400", "5-20-1, 1000", "3-7-2, 1003"})
    void theBitsAreTheSameOnOneThreadAsOnFour(String shape, int rows) {
        int[] sizes = java.util.Arrays.stream(shape.split("-"))
                .mapToInt(Integer::parseInt)
                .toArray();
        Well19937c random = new Well19937c(rows);
        Network network = Network.initialize(sizes, Activation.SIGMOID, true, 0.5, random);
        Samples samples = Samples.of(gaussian(rows, sizes[0], random), gaussian(rows, sizes[sizes.length - 1], random));
        assertThat(SmallNetworkKernel.shardsFor(sizes, rows))
                .as("a pass this size is cut into shards, so the test shows something")
                .isGreaterThan(1);

        long[] alone = passBits(network, samples, Crew.NONE);
        for (int helpers = 1; helpers <= Crew.MAX_HELPERS; helpers++) {
            try (Crew crew = new Crew(helpers)) {
                for (int repeat = 0; repeat < 50; repeat++) {
                    assertThat(passBits(network, samples, crew))
                            .as("%d helpers", helpers)
                            .isEqualTo(alone);
                }
            }
        }
    }

    /**
     * Backups (a caller running a late helper's shard again) at their most eager: a crew that runs
     * every unfinished shard again as soon as its caller has nothing else to do, so two runs of a
     * shard race in most rounds, and the loser of one round is often still running while the next
     * round changes the weights. Every pass must still have the bits of one thread alone. Tagged so
     * that it runs in the default surefire run only (pom.xml says why the engine runs add nothing).
     */
    @Tag("backup-races")
    @ParameterizedTest
    @CsvSource({
        "5-20-1, 400, 1",
        "5-20-20-20-20-20-20-20-20-20-20-1, 400, 1",
        "5-20-20-20-20-20-20-20-20-20-20-1, 400, 3",
        "5-20-1, 4000, 1",
        "3-7-2, 1003, 2"
    })
    void racingBackupsNeverChangeABit(String shape, int rows, int helpers) {
        assumeTrue(
                SmallNetworkKernel.BACKUPS, "backups are switched off in this JVM (-Dtrainyard.fused.backups=false)");
        int[] sizes = java.util.Arrays.stream(shape.split("-"))
                .mapToInt(Integer::parseInt)
                .toArray();
        Well19937c random = new Well19937c(rows + helpers);
        Network start = Network.initialize(sizes, Activation.SIGMOID, true, 0.5, random);
        Samples samples = Samples.of(gaussian(rows, sizes[0], random), gaussian(rows, sizes[sizes.length - 1], random));
        Samples test = Samples.of(gaussian(100, sizes[0], random), gaussian(100, sizes[sizes.length - 1], random));

        List<long[]> alone = descentBits(start, samples, test, Crew.NONE);
        try (Crew crew = new Crew(helpers, 0)) {
            // Races depend on the scheduler: on a loaded machine one descent can pass without any (ten
            // descents in a row did once, with two helpers on two busy cores), so it is run again until
            // some shard was run twice, for up to half a minute.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            for (int attempt = 0; attempt == 0 || (crew.backupRuns() == 0 && System.nanoTime() < deadline); attempt++) {
                List<long[]> eager = descentBits(start, samples, test, crew);
                for (int step = 0; step < alone.size(); step++) {
                    assertThat(eager.get(step)).as("step %d", step).isEqualTo(alone.get(step));
                }
            }
            assertThat(crew.backupRuns())
                    .as("shards were run twice, so the test shows something")
                    .isPositive();
        }
    }

    /**
     * {@code -Dtrainyard.fused.backups=false} (set for the {@code engine-pure-java} test run): the
     * eagerest crew runs no shard twice, kernels get no buffers of their own per runner, and the
     * passes keep the bits of one thread alone.
     */
    @Test
    void withBackupsSwitchedOffNoShardRunsTwice() {
        assumeFalse(
                SmallNetworkKernel.BACKUPS, "backups are on in this JVM (the engine-pure-java run switches them off)");
        int[] sizes = {5, 20, 20, 1};
        Well19937c random = new Well19937c(11);
        Network start = Network.initialize(sizes, Activation.SIGMOID, true, 0.5, random);
        Samples samples = Samples.of(gaussian(400, 5, random), gaussian(400, 1, random));
        Samples test = Samples.of(gaussian(100, 5, random), gaussian(100, 1, random));

        List<long[]> alone = descentBits(start, samples, test, Crew.NONE);
        try (Crew crew = new Crew(1, 0)) {
            assertThat(SmallNetworkKernel.backsUp(sizes, Activation.SIGMOID, 400, true, crew))
                    .isFalse();
            List<long[]> eager = descentBits(start, samples, test, crew);
            for (int step = 0; step < alone.size(); step++) {
                assertThat(eager.get(step)).as("step %d", step).isEqualTo(alone.get(step));
            }
            assertThat(crew.backupRuns()).isZero();
        }
    }

    /**
     * 2,000 steps of gradient descent through joint rounds (training pass and test loss, as a job
     * runs them), each step's losses and gradients as raw bits; the weights change between rounds.
     * Nothing is boxed between rounds, so that helpers are still spinning when the next one starts.
     */
    private static List<long[]> descentBits(Network start, Samples samples, Samples test, Crew crew) {
        Network network = start.copy();
        SmallNetworkKernel kernel = new SmallNetworkKernel(network, samples, crew);
        SmallNetworkKernel[] others = {new SmallNetworkKernel(network, test, crew)};
        SmallNetworkKernel.Joint joint = kernel.jointTask(others);
        int[] sizes = network.layerSizes();
        double[][] g = new double[sizes.length - 1][];
        double[][] gb = new double[sizes.length - 1][];
        int values = 2;
        for (int l = 0; l + 1 < sizes.length; l++) {
            g[l] = new double[sizes[l] * sizes[l + 1]];
            gb[l] = new double[sizes[l + 1]];
            values += g[l].length + gb[l].length;
        }
        double[] losses = new double[1];
        List<long[]> steps = new ArrayList<>();
        for (int step = 0; step < 2_000; step++) {
            long[] bits = new long[values];
            int k = 0;
            bits[k++] = Double.doubleToRawLongBits(kernel.lossAndGradientWith(others, joint, g, gb, losses));
            bits[k++] = Double.doubleToRawLongBits(losses[0]);
            for (int l = 0; l < g.length; l++) {
                for (int i = 0; i < g[l].length; i++) {
                    bits[k++] = Double.doubleToRawLongBits(g[l][i]);
                    network.weights[l][i] -= 1e-4 * g[l][i];
                }
                for (int j = 0; j < gb[l].length; j++) {
                    bits[k++] = Double.doubleToRawLongBits(gb[l][j]);
                    network.biases[l][j] -= 1e-4 * gb[l][j];
                }
            }
            steps.add(bits);
        }
        return steps;
    }

    /** The loss and every gradient of one pass, as raw bits. */
    private static long[] passBits(Network network, Samples samples, Crew crew) {
        SmallNetworkKernel kernel = new SmallNetworkKernel(network, samples, crew);
        int[] sizes = network.layerSizes();
        double[][] g = new double[sizes.length - 1][];
        double[][] gb = new double[sizes.length - 1][];
        for (int l = 0; l + 1 < sizes.length; l++) {
            g[l] = new double[sizes[l] * sizes[l + 1]];
            gb[l] = new double[sizes[l + 1]];
        }
        java.util.List<Double> values = new ArrayList<>();
        values.add(kernel.lossAndGradient(g, gb));
        values.add(kernel.loss());
        for (int l = 0; l < g.length; l++) {
            for (double v : g[l]) {
                values.add(v);
            }
            for (double v : gb[l]) {
                values.add(v);
            }
        }
        return values.stream().mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @Test
    void shardsDependOnTheShapeOnlyAndCoverWholeVectors() {
        assertThat(SmallNetworkKernel.shardsFor(new int[] {5, 20, 1}, 400)).isEqualTo(2);
        assertThat(SmallNetworkKernel.shardsFor(new int[] {5, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 1}, 400))
                .isEqualTo(SmallNetworkKernel.MAX_SHARDS);
        assertThat(SmallNetworkKernel.shardsFor(new int[] {5, 20, 1}, 8)).isEqualTo(1);
        assertThat(SmallNetworkKernel.shardsFor(new int[] {2, 1}, 10_000))
                .isLessThanOrEqualTo(SmallNetworkKernel.MAX_SHARDS);
        assertThat(SmallNetworkKernel.shardsFor(new int[] {5, 20, 1}, 17)).isLessThanOrEqualTo(3);
    }

    /**
     * A homework round: the training pass in two shards and the test rows, one shard on their own, cut
     * in two as well, so that each thread of two takes half of each; the round's results are those of
     * the passes on their own up to rounding.
     */
    @Test
    void aHomeworkRoundCutsTheTestRowsInTwoAsWell() {
        int[] sizes = {5, 20, 1};
        Well19937c random = new Well19937c(3);
        Network network = Network.initialize(sizes, Activation.SIGMOID, true, 0.5, random);
        Samples train = Samples.of(gaussian(400, 5, random), gaussian(400, 1, random));
        Samples test = Samples.of(gaussian(100, 5, random), gaussian(100, 1, random));
        SmallNetworkKernel kernel = new SmallNetworkKernel(network, train, Crew.NONE);
        SmallNetworkKernel[] others = {new SmallNetworkKernel(network, test, Crew.NONE)};
        assertThat(others[0].shardStarts()).containsExactly(0, 100);

        SmallNetworkKernel.Joint joint = kernel.jointTask(others);

        assertThat(kernel.shardStarts()).containsExactly(0, 200, 400);
        assertThat(others[0].shardStarts()).containsExactly(0, 48, 100);
        double[][] g = {new double[100], new double[20]};
        double[][] gb = {new double[20], new double[1]};
        double[][] aloneG = {new double[100], new double[20]};
        double[][] aloneGb = {new double[20], new double[1]};
        double[] losses = new double[1];
        double loss = kernel.lossAndGradientWith(others, joint, g, gb, losses);
        double aloneLoss = new SmallNetworkKernel(network, train, Crew.NONE).lossAndGradient(aloneG, aloneGb);
        double testLoss = new SmallNetworkKernel(network, test, Crew.NONE).loss();
        assertThat(loss).isEqualTo(aloneLoss);
        assertThat(losses[0]).isCloseTo(testLoss, org.assertj.core.api.Assertions.within(1e-12 * testLoss));
        for (int l = 0; l < 2; l++) {
            assertThat(g[l]).containsExactly(aloneG[l]);
            assertThat(gb[l]).containsExactly(aloneGb[l]);
        }
    }

    private static void assertClose(RealMatrix actual, RealMatrix expected) {
        assertThat(actual.getRowDimension()).isEqualTo(expected.getRowDimension());
        assertThat(actual.getColumnDimension()).isEqualTo(expected.getColumnDimension());
        double scale = Math.max(1.0, expected.getNorm());
        assertThat(actual.subtract(expected).getNorm()).isLessThan(1e-12 * scale);
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static RealMatrix gaussian(int rows, int cols, Well19937c random) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return new Array2DRowRealMatrix(m, false);
    }
}
