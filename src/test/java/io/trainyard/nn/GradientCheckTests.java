package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation against central finite differences (the DL4J recipe: double precision,
 * eps 1e-6, symmetric relative error with an absolute floor), for every activation, with and
 * without bias, over random shapes drawn from fixed seeds.
 */
class GradientCheckTests {

    private static final double EPS = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    private static final double MIN_ABSOLUTE_ERROR = 1e-7;
    private static final int SHAPES_PER_CASE = 8;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (boolean bias : new boolean[] {false, true}) {
                for (int shape = 0; shape < SHAPES_PER_CASE; shape++) {
                    long seed = 1000L * activation.ordinal() + (bias ? 100 : 0) + shape;
                    cases.add(Arguments.of(activation, bias, seed));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, bias {1}, seed {2}")
    @MethodSource("cases")
    void backpropagationMatchesFiniteDifferences(Activation activation, boolean bias, long seed) {
        RandomGenerator random = new Well19937c(seed);
        int depth = 1 + random.nextInt(4);
        int[] sizes = new int[depth + 1];
        for (int l = 0; l <= depth; l++) {
            sizes[l] = 1 + random.nextInt(5);
        }
        int rows = 1 + random.nextInt(7);
        Network network = Network.initialize(sizes, activation, bias, 0.5 + random.nextDouble(), random);
        Samples samples = Samples.of(gaussian(rows, sizes[0], random), gaussian(rows, sizes[depth], random));

        Gradients analytic = network.lossAndGradient(samples).gradients();

        List<RealMatrix> weights = new ArrayList<>(network.weights());
        List<RealVector> biases = new ArrayList<>(network.biases());
        for (int l = 0; l < depth; l++) {
            RealMatrix gradient = analytic.weight(l);
            for (int r = 0; r < sizes[l]; r++) {
                for (int c = 0; c < sizes[l + 1]; c++) {
                    double numeric = numericWeightGradient(network, weights, biases, samples, l, r, c);
                    assertAgrees(
                            gradient.getEntry(r, c),
                            numeric,
                            "dW" + l + "[" + r + "][" + c + "] of " + describe(sizes));
                }
            }
            if (bias) {
                RealVector gradientB = analytic.biases().get(l);
                for (int j = 0; j < sizes[l + 1]; j++) {
                    double numeric = numericBiasGradient(network, weights, biases, samples, l, j);
                    assertAgrees(gradientB.getEntry(j), numeric, "db" + l + "[" + j + "] of " + describe(sizes));
                }
            }
        }
    }

    private static double numericWeightGradient(
            Network network, List<RealMatrix> weights, List<RealVector> biases, Samples samples, int l, int r, int c) {
        RealMatrix original = weights.get(l);
        RealMatrix plus = original.copy();
        plus.addToEntry(r, c, EPS);
        RealMatrix minus = original.copy();
        minus.addToEntry(r, c, -EPS);
        weights.set(l, plus);
        double lossPlus = Network.of(network.layerSizes(), network.activation(), weights, biases)
                .loss(samples);
        weights.set(l, minus);
        double lossMinus = Network.of(network.layerSizes(), network.activation(), weights, biases)
                .loss(samples);
        weights.set(l, original);
        return (lossPlus - lossMinus) / (2 * EPS);
    }

    private static double numericBiasGradient(
            Network network, List<RealMatrix> weights, List<RealVector> biases, Samples samples, int l, int j) {
        RealVector original = biases.get(l);
        RealVector plus = original.copy();
        plus.addToEntry(j, EPS);
        RealVector minus = original.copy();
        minus.addToEntry(j, -EPS);
        biases.set(l, plus);
        double lossPlus = Network.of(network.layerSizes(), network.activation(), weights, biases)
                .loss(samples);
        biases.set(l, minus);
        double lossMinus = Network.of(network.layerSizes(), network.activation(), weights, biases)
                .loss(samples);
        biases.set(l, original);
        return (lossPlus - lossMinus) / (2 * EPS);
    }

    private static void assertAgrees(double analytic, double numeric, String what) {
        double absolute = Math.abs(analytic - numeric);
        double relative = absolute / Math.max(Math.abs(analytic), Math.abs(numeric));
        assertThat(absolute < MIN_ABSOLUTE_ERROR || relative < MAX_RELATIVE_ERROR)
                .as("%s: backprop %s, finite difference %s (relative error %s)", what, analytic, numeric, relative)
                .isTrue();
    }

    private static RealMatrix gaussian(int rows, int cols, RandomGenerator random) {
        double[][] data = new double[rows][cols];
        for (double[] row : data) {
            for (int c = 0; c < cols; c++) {
                row[c] = random.nextGaussian();
            }
        }
        return new Array2DRowRealMatrix(data, false);
    }

    private static String describe(int[] sizes) {
        return "layers " + java.util.Arrays.toString(sizes);
    }
}
