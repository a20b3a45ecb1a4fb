package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** Fitting the input pipeline on inputs at the edge of the range of a double. */
class PreprocessingTests {

    @Test
    void ordinaryInputsGetTheMeanAndStdOfTheFormulaToTheLastBit() {
        java.util.Random random = new java.util.Random(3);
        double[][] x = new double[57][3];
        for (double[] row : x) {
            for (int c = 0; c < row.length; c++) {
                row[c] = random.nextGaussian() * 40 + 7;
            }
        }
        x[5][2] = x[9][2];

        Preprocessing fitted = Preprocessing.fit(new Array2DRowRealMatrix(x), 3, true);

        // API.md: columns x, then x², then x³; mean over the rows, population std, summed in row order.
        for (int p = 1; p <= 3; p++) {
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (double[] row : x) {
                    sum += power(row[c], p);
                }
                double mean = sum / x.length;
                double squares = 0;
                for (double[] row : x) {
                    double centred = power(row[c], p) - mean;
                    squares += centred * centred;
                }
                int j = (p - 1) * 3 + c;
                assertThat(fitted.mean()[j]).as("mean %d", j).isEqualTo(mean);
                assertThat(fitted.std()[j]).as("std %d", j).isEqualTo(Math.sqrt(squares / x.length));
            }
        }
    }

    @Test
    void aConstantColumnIsCentredOnItsValueAndNotScaledWhateverTheRoundingOfItsMean() {
        // 0.1 three times sums to 0.30000000000000004: the computed mean is 0.10000000000000002 and the
        // computed std 1.4e-17, which normalised the column to -1 and scaled any other value by 1e16.
        double[][] x = {{0.1, 1}, {0.1, 2}, {0.1, 3}};

        Preprocessing fitted = Preprocessing.fit(new Array2DRowRealMatrix(x), 4, true);

        for (int p = 1; p <= 4; p++) {
            int j = (p - 1) * 2;
            assertThat(fitted.std()[j]).as("std of 0.1^%d", p).isEqualTo(1.0);
            assertThat(fitted.mean()[j]).as("mean of 0.1^%d", p).isEqualTo(power(0.1, p));
        }
        double[][] transformed = fitted.apply(new Array2DRowRealMatrix(new double[][] {{0.1, 2}, {0.2, 2}}))
                .getData();
        assertThat(transformed[0][0]).isEqualTo(0.0);
        assertThat(transformed[1][0]).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(fitted.std()[1]).isGreaterThan(0.8).isLessThan(0.9); // the varying column: its own std
    }

    private static double power(double v, int p) {
        double power = v;
        for (int q = 2; q <= p; q++) {
            power *= v;
        }
        return power;
    }

    @Test
    void aColumnWhoseSquaresOverflowIsStillNormalisedToFiniteValues() {
        // x^10 reaches 1e160: finite, but its squared deviations (1e320) are not.
        RealMatrix x = new Array2DRowRealMatrix(new double[][] {{1e16}, {-1e16}, {2}, {3e15}});

        Preprocessing fitted = Preprocessing.fit(x, 10, true);

        assertThat(allFinite(fitted.mean())).as("mean").isTrue();
        assertThat(allFinite(fitted.std())).as("std").isTrue();
        assertThat(fitted.std()).doesNotContain(0.0);
        assertThat(allFinite(fitted.apply(x).getData())).as("normalised inputs").isTrue();
        // The 10th power column: the mean of 1e160, 1e160, ~0, 5.9e154 is half of 1e160 and change.
        assertThat(fitted.mean()[9]).isCloseTo(5.000014762e159, org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThatCode(() -> Preprocessing.fit(x, 10, true)).doesNotThrowAnyException();
    }

    @Test
    void aColumnWhoseSumOverflowsHasAFiniteMean() {
        RealMatrix x = new Array2DRowRealMatrix(new double[][] {{1.5e308}, {1.5e308}, {1.0e308}});

        Preprocessing fitted = Preprocessing.fit(x, 1, true);

        assertThat(fitted.mean()[0]).isCloseTo(4.0e307 / 3 * 10, org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(allFinite(fitted.apply(x).getData())).as("normalised inputs").isTrue();
    }

    @Test
    void anExpansionBeyondTheRangeOfADoubleNamesTheCell() {
        double[][] x = {{1}, {2}, {1e200}};

        for (boolean normalize : new boolean[] {false, true}) {
            assertThatThrownBy(() -> Preprocessing.fit(new Array2DRowRealMatrix(x), 10, normalize))
                    .isInstanceOf(Preprocessing.UnusableInputException.class)
                    .hasMessage("row 2, column 0: 1.0E200 to the power 2 (basisDegree 10) is beyond the range of a"
                            + " double (about 1.8e308)");
        }
        assertThatCode(() -> Preprocessing.fit(new Array2DRowRealMatrix(x), 1, true))
                .doesNotThrowAnyException();
    }

    @Test
    void rowsAPipelineWasNotFittedOnAreCheckedAsItWouldTransformThem() {
        double[][] train = {{1, 0}, {2, 0}, {3, 1e-150}};
        Preprocessing expand = Preprocessing.fit(new Array2DRowRealMatrix(train), 10, false);
        Preprocessing normalise = Preprocessing.fit(new Array2DRowRealMatrix(train), 1, true);

        assertThat(expand.unusableRows(new double[][] {{4, 5}, {1e30, 1}})).isNull();
        assertThat(expand.unusableRows(new double[][] {{4, 5}, {1, 1e40}}))
                .isEqualTo("row 1, column 1: 1.0E40 to the power 8 (basisDegree 10) is beyond the range of a"
                        + " double (about 1.8e308)");
        // Column 1's training spread is about 4.7e-151: 1e160 is 2e310 spreads from its mean.
        assertThat(normalise.unusableRows(new double[][] {{4, 1e150}})).isNull();
        assertThat(normalise.unusableRows(new double[][] {{4, 0}, {1, 1e160}}))
                .startsWith("row 1, column 1: 1.0E160 is so far from the training rows' mean");
        assertThat(allFinite(normalise
                        .apply(new Array2DRowRealMatrix(new double[][] {{1, 1e160}}))
                        .getData()))
                .as("what the check foresees")
                .isFalse();
        assertThat(Preprocessing.identity().unusableRows(new double[][] {{1.7e308}}))
                .isNull();
        assertThatThrownBy(() -> expand.requireUsable(new double[][] {{1e40, 1}}, "test"))
                .isInstanceOf(Preprocessing.UnusableInputException.class)
                .hasMessageStartingWith("test row 0, column 0: 1.0E40 to the power 8");
    }

    @Test
    void aColumnSpreadWiderThanADoubleCannotBeNormalised() {
        double[][] x = {{0, 1.7e308}, {0, -1.7e308}, {1, -1.7e308}};

        assertThatThrownBy(() -> Preprocessing.fit(new Array2DRowRealMatrix(x), 1, true))
                .isInstanceOf(Preprocessing.UnusableInputException.class)
                .hasMessageStartingWith("column 1 spreads over more than the range of a double");
        assertThatCode(() -> Preprocessing.fit(new Array2DRowRealMatrix(x), 1, false))
                .doesNotThrowAnyException();
    }

    private static boolean allFinite(double[]... rows) {
        return java.util.Arrays.stream(rows)
                .flatMapToDouble(java.util.Arrays::stream)
                .allMatch(Double::isFinite);
    }
}
