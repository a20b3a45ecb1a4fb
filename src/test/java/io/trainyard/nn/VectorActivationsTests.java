package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SIMD sigmoid against {@code 1 / (1 + StrictMath.exp(-x))}, in ulps of the result. */
class VectorActivationsTests {

    @BeforeEach
    void simdIsThere() {
        assumeTrue(Simd.ENABLED, "the Vector API module is not in this JVM");
    }

    @Test
    void theWrittenOutHornerSchemeUsesEveryCoefficientOfTheFit() {
        // exp() evaluates POLYNOMIAL[0..9] in straight-line code (see there why not in a loop): a fit
        // of another degree from bench/exp-coefficients.py must change that code too.
        assertThat(VectorActivations.POLYNOMIAL).hasSize(10);
    }

    @Test
    void theSigmoidIsWithinTwoUlpsOfAnExactDivisionAcrossTheRange() {
        SplittableRandom random = new SplittableRandom(7);
        double[] in = new double[50_000];
        for (int i = 0; i < in.length; i++) {
            // Mostly where networks live, some far out where the exp's reduction uses large k.
            in[i] = i % 10 == 0 ? random.nextDouble(-700, 700) : random.nextDouble(-40, 40);
        }
        double[] out = new double[in.length];

        VectorActivations.sigmoid(in, out, 0, in.length);

        double worst = 0;
        for (int i = 0; i < in.length; i++) {
            double expected = sigmoid(in[i]);
            worst = Math.max(worst, Math.abs(out[i] - expected) / Math.ulp(expected));
        }
        // What the class promises. A Horner tail for the exp ((P·r + 1)·r + 1) measured 3 here, with
        // the old Taylor polynomial and with today's fitted one: the promise is what it would break.
        assertThat(worst).as("largest error in ulps").isLessThanOrEqualTo(2.0);
    }

    /**
     * 1 / (1 + e^-x) with e^-x from StrictMath (under one ulp) and the sum and quotient exact in
     * decimal: a reference within about one ulp, where the plain double formula adds two roundings.
     */
    private static double sigmoid(double x) {
        java.math.BigDecimal e = new java.math.BigDecimal(StrictMath.exp(-x));
        return java.math.BigDecimal.ONE
                .divide(java.math.BigDecimal.ONE.add(e), java.math.MathContext.DECIMAL128)
                .doubleValue();
    }

    @Test
    void theExpIsWithinTwoUlpsOfStrictMathWhereItNeitherOverflowsNorUnderflows() {
        SplittableRandom random = new SplittableRandom(11);
        double[] in = new double[100_000];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextDouble(-700, 700);
        }
        int lanes = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
        double worst = 0;
        double[] out = new double[lanes];
        for (int i = 0; i + lanes <= in.length; i += lanes) {
            VectorActivations.exp(jdk.incubator.vector.DoubleVector.fromArray(
                            jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED, in, i))
                    .intoArray(out, 0);
            for (int j = 0; j < lanes; j++) {
                double expected = StrictMath.exp(in[i + j]);
                worst = Math.max(worst, Math.abs(out[j] - expected) / Math.ulp(expected));
            }
        }
        assertThat(worst).as("largest error in ulps").isLessThanOrEqualTo(2.0);
    }

    @Test
    void extremesSaturateAndNanStaysNan() {
        double[] in = {
            -1e6,
            -800,
            800,
            1e6,
            Double.NaN,
            0,
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY,
            1,
            -1,
            Double.longBitsToDouble(0xFFF8_0000_0000_0001L), // a NaN with its sign bit set and a payload
            Double.longBitsToDouble(0x7FF0_0000_0000_0001L), // a signalling NaN
            -0.0,
            Double.MAX_VALUE,
            -Double.MAX_VALUE
        };
        double[] out = new double[in.length];

        VectorActivations.sigmoid(in, out, 0, in.length);

        assertThat(out[0]).isPositive().isLessThan(1e-300);
        assertThat(out[1]).isPositive().isLessThan(1e-300);
        assertThat(out[2]).isEqualTo(1.0);
        assertThat(out[3]).isEqualTo(1.0);
        assertThat(out[4]).isNaN();
        assertThat(out[5]).isEqualTo(0.5);
        assertThat(out[6]).isPositive().isLessThan(1e-300);
        assertThat(out[7]).isEqualTo(1.0);
        assertThat(out[8]).isCloseTo(1 / (1 + Math.exp(-1)), org.assertj.core.data.Offset.offset(1e-16));
        assertThat(out[9]).isCloseTo(1 / (1 + Math.exp(1)), org.assertj.core.data.Offset.offset(1e-16));
        assertThat(out[10]).isNaN();
        assertThat(out[11]).isNaN();
        assertThat(out[12]).isEqualTo(0.5);
        assertThat(out[13]).isEqualTo(1.0);
        assertThat(out[14]).isPositive().isLessThan(1e-300);
    }

    @Test
    void reluAndItsDerivativeAreTheScalarRuleBitForBit() {
        // Every kind of double, in runs that start and end off the vector boundaries (the scalar tails).
        double[] special = {
            Double.NaN,
            0.0,
            -0.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            1e-310,
            -1e-310
        };
        SplittableRandom random = new SplittableRandom(11);
        double[] in = new double[1_003];
        double[] delta = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = i % 7 == 0 ? special[i / 7 % special.length] : random.nextDouble(-3, 3);
            delta[i] = i % 5 == 0 ? special[i / 5 % special.length] : random.nextDouble(-3, 3);
        }
        for (int[] range : new int[][] {{0, in.length}, {3, 998}, {5, 12}, {0, 7}}) {
            int from = range[0];
            int to = range[1];
            double[] out = new double[in.length];
            double[] gradient = delta.clone();

            VectorActivations.relu(in, out, from, to);
            VectorActivations.reluDerivative(gradient, in, from, to);

            for (int i = 0; i < in.length; i++) {
                boolean inside = i >= from && i < to;
                double expectedOut = inside ? Activation.RELU.apply(in[i]) : 0.0;
                double expectedGradient = inside ? (in[i] > 0.0 ? delta[i] : 0.0) : delta[i];
                assertThat(Double.doubleToRawLongBits(out[i]))
                        .as("relu(%s) at %d of [%d, %d)", in[i], i, from, to)
                        .isEqualTo(Double.doubleToRawLongBits(expectedOut));
                assertThat(Double.doubleToRawLongBits(gradient[i]))
                        .as("relu'(%s) × %s at %d of [%d, %d)", in[i], delta[i], i, from, to)
                        .isEqualTo(Double.doubleToRawLongBits(expectedGradient));
            }
        }
        // The rule itself, in vector lanes and in the tail: NaN stays NaN (as ONNX's Relu keeps it),
        // -0 and below give +0, the rest passes.
        double[] kinds = {Double.NaN, -0.0, -1.0, 2.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] edges = new double[4 * kinds.length + 1];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = kinds[i % kinds.length];
        }
        double[] edgeOut = new double[edges.length];
        VectorActivations.relu(edges, edgeOut, 0, edges.length);
        for (int i = 0; i < edges.length; i++) {
            double expected = Double.isNaN(edges[i]) ? Double.NaN : edges[i] > 0 ? edges[i] : 0.0;
            assertThat(Double.doubleToRawLongBits(edgeOut[i]))
                    .as("relu(%s) at %d", edges[i], i)
                    .isEqualTo(Double.doubleToRawLongBits(expected));
        }
        assertThat(Activation.RELU.apply(Double.NaN)).isNaN();
    }

    @Test
    void theTanhIsWithinThreeUlpsOfAnExactQuotientAcrossTheRange() {
        SplittableRandom random = new SplittableRandom(13);
        double[] in = new double[60_003]; // not a whole number of vectors: the masked tail too
        for (int i = 0; i < in.length; i++) {
            double magnitude = switch (i % 4) {
                case 0 -> Math.pow(10, random.nextDouble(-300, -3)); // where 1 - 2/(e^2x + 1) would lose it all
                case 1 -> random.nextDouble(0, 0.35); // k = 0 of the reduction
                case 2 -> random.nextDouble(0, 20); // where networks live, up to saturation
                default -> random.nextDouble(0, 400);
            };
            in[i] = random.nextBoolean() ? magnitude : -magnitude;
        }
        double[] out = new double[in.length];

        VectorActivations.tanh(in, out, 0, in.length);

        double worst = 0;
        for (int i = 0; i < in.length; i++) {
            double expected = tanh(in[i]);
            assertThat(Math.signum(out[i])).as("sign of tanh(%s)", in[i]).isEqualTo(Math.signum(expected));
            worst = Math.max(worst, Math.abs(out[i] - expected) / Math.ulp(expected));
        }
        assertThat(worst).as("largest error in ulps").isLessThanOrEqualTo(3.0);
    }

    /** (e^2x − 1) / (e^2x + 1) with e^2x − 1 from StrictMath (under one ulp) and the quotient exact in decimal. */
    private static double tanh(double x) {
        if (Math.abs(x) > 40) {
            return Math.copySign(1.0, x); // 1 − tanh(40) ≈ 2e-35, far below half an ulp of 1
        }
        java.math.BigDecimal e = new java.math.BigDecimal(StrictMath.expm1(2 * Math.abs(x)));
        double magnitude = e.divide(e.add(java.math.BigDecimal.valueOf(2)), java.math.MathContext.DECIMAL128)
                .doubleValue();
        return Math.copySign(magnitude, x);
    }

    @Test
    void theTanhKeepsTheSignOfZeroSaturatesAndKeepsNan() {
        double[] in = {
            0.0,
            -0.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            25,
            -25,
            1e6,
            -1e6,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NaN,
            Double.longBitsToDouble(0xFFF8_0000_0000_0001L),
            Double.MAX_VALUE
        };
        double[] out = new double[in.length];

        VectorActivations.tanh(in, out, 0, in.length);

        assertThat(Double.doubleToRawLongBits(out[0])).isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThat(Double.doubleToRawLongBits(out[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(out[2]).isEqualTo(Double.MIN_VALUE);
        assertThat(out[3]).isEqualTo(-Double.MIN_VALUE);
        assertThat(out[4]).isEqualTo(1.0);
        assertThat(out[5]).isEqualTo(-1.0);
        assertThat(out[6]).isEqualTo(1.0);
        assertThat(out[7]).isEqualTo(-1.0);
        assertThat(out[8]).isEqualTo(1.0);
        assertThat(out[9]).isEqualTo(-1.0);
        assertThat(out[10]).isNaN();
        assertThat(out[11]).isNaN();
        assertThat(out[12]).isEqualTo(1.0);
    }

    @Test
    void theTanhsScalarTailGivesTheBitsOfALane() {
        SplittableRandom random = new SplittableRandom(17);
        double[] special = {
            0.0,
            -0.0,
            Double.MIN_VALUE,
            1e-300,
            0.17,
            0.35,
            0.7,
            19,
            20,
            400,
            1e6,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NaN,
            Double.MAX_VALUE
        };
        double[] in = wholeVectors(special, () -> random.nextDouble(-25, 25) * Math.pow(10, -random.nextInt(12)));

        assertEachValueHasItsLanesBits("tanh", in, VectorActivations::tanh, VectorActivations::tanh);
    }

    @Test
    void theSigmoidsScalarTailGivesTheBitsOfALane() {
        SplittableRandom random = new SplittableRandom(19);
        double[] special = {
            0.0,
            -0.0,
            Double.MIN_VALUE,
            -1e-300,
            1,
            -1,
            37,
            -37,
            708,
            -708,
            709,
            -745,
            1e6,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NaN,
            -Double.MAX_VALUE
        };
        double[] in = wholeVectors(special, () -> random.nextDouble(-40, 40));

        assertEachValueHasItsLanesBits("sigmoid", in, VectorActivations::sigmoid, VectorActivations::sigmoid);
    }

    /** 4,000 whole vectors of values: {@code special} first, then values drawn from {@code rest}. */
    private static double[] wholeVectors(double[] special, java.util.function.DoubleSupplier rest) {
        double[] in = new double[jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length() * 4_000];
        for (int i = 0; i < in.length; i++) {
            in[i] = i < special.length ? special[i] : rest.getAsDouble();
        }
        return in;
    }

    /** A range loop of {@link VectorActivations}, as {@code (in, out, from, to)}. */
    private interface RangeLoop {
        void apply(double[] in, double[] out, int from, int to);
    }

    /**
     * {@code scalar} (the loops' tails) gives each value exactly the bits {@code lanes} gives it inside a
     * whole vector; {@code in} must be a whole number of vectors, so that {@code lanes} has no tail.
     */
    private static void assertEachValueHasItsLanesBits(
            String name, double[] in, RangeLoop lanes, java.util.function.DoubleUnaryOperator scalar) {
        assertThat(in.length % jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length())
                .isZero();
        double[] lanesOut = new double[in.length];

        lanes.apply(in, lanesOut, 0, in.length);

        for (int i = 0; i < in.length; i++) {
            assertThat(Double.doubleToRawLongBits(scalar.applyAsDouble(in[i])))
                    .as("%s(%s)", name, in[i])
                    .isEqualTo(Double.doubleToRawLongBits(lanesOut[i]));
        }
    }
}
