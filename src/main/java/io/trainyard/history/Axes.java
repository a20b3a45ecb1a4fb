package io.trainyard.history;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Axis ranges and labelled ticks for {@link PlotRenderer}. Tick values are m·10^e with m from a small set, so
 * every label is computed exactly in decimal ({@link BigDecimal}) from m and e rather than printed from a
 * double: a label has only the digits its step needs, and switches to exponent form ({@code 2e-7},
 * {@code 1e12}) outside 1e-4 … 1e7 — it can never come out as a clamped {@code long} or a 17-digit float.
 */
final class Axes {

    /** A tick at {@code value} labelled {@code label}. */
    record Tick(double value, String label) {}

    /** The range an axis shows and its labelled ticks, all inside the range. */
    record Axis(double min, double max, List<Tick> ticks) {}

    /** Never ask for fewer ticks than this; a reader needs two intervals to read a scale. */
    static final int MIN_TICKS = 3;

    /**
     * The smallest span shown, relative to the values: without it a flat curve at 1234.5678 gets ticks a
     * femto-unit apart, labelled with fifteen digits.
     */
    private static final double MIN_RELATIVE_SPAN = 1e-6;

    private Axes() {}

    /**
     * A linear axis over [lo, hi] (the data's extremes; infinite when there is no data).
     *
     * @param integer ticks only at whole numbers (iterations): never 0.5 or ±5E-9
     * @param padded leave a little room around the data and end the axis on ticks (value axes); otherwise the
     *     axis spans exactly the data (the iteration axis)
     */
    static Axis linear(double lo, double hi, boolean integer, boolean padded, int maxTicks) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            lo = 0;
            hi = integer ? 1 : 1;
        }
        // Halve both ends if the span itself would overflow (±1e308).
        if (!Double.isFinite(hi - lo)) {
            lo /= 4;
            hi /= 4;
        }
        double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
        if (hi - lo <= magnitude * MIN_RELATIVE_SPAN || hi == lo) {
            if (integer) {
                double centre = Math.rint((lo + hi) / 2);
                lo = centre >= 1 ? centre - 1 : centre;
                hi = lo + 2;
            } else {
                double half = magnitude == 0 ? 1 : Math.max(magnitude * 0.1, (hi - lo) / 2);
                double centre = (lo + hi) / 2;
                lo = centre - half;
                hi = centre + half;
            }
        }
        if (padded) {
            double pad = (hi - lo) * 0.04;
            boolean nonNegative = lo >= 0;
            lo -= pad;
            hi += pad;
            if (nonNegative && lo < 0) {
                lo = 0;
            }
        }
        Step step = Step.atLeast((hi - lo) / Math.max(MIN_TICKS - 1, maxTicks - 1), integer);
        if (padded) {
            lo = Math.floor(lo / step.value() + 1e-9) * step.value();
            hi = Math.ceil(hi / step.value() - 1e-9) * step.value();
        }
        List<BigDecimal> values = new ArrayList<>();
        long first = (long) Math.ceil(lo / step.value() - 1e-9);
        long last = (long) Math.floor(hi / step.value() + 1e-9);
        for (long k = first; k <= last && values.size() <= 4 * maxTicks; k++) {
            values.add(BigDecimal.valueOf(k * step.mantissa()).scaleByPowerOfTen(step.exponent()));
        }
        return new Axis(lo, hi, integer && hi < 1e9 ? plainTicks(values) : ticks(values));
    }

    /**
     * A base-10 logarithmic axis over [lo, hi] (positive; infinite when there is no data). Labels whole decades
     * when the range holds at least three of them (every k-th if there are more than {@code maxTicks}); within
     * fewer decades 1-2-5 or 1…9 in each decade, and plain linear steps when even those are too sparse — a
     * curve that falls by half a decade still gets at least three labels.
     */
    static Axis log(double lo, double hi, int maxTicks) {
        if (!(lo > 0) || !Double.isFinite(lo) || !Double.isFinite(hi) || hi < lo) {
            lo = 1;
            hi = 10;
        }
        double lower = Math.log10(lo);
        double upper = Math.log10(hi);
        if (upper - lower < 1e-5) {
            double centre = (upper + lower) / 2;
            lower = centre - 0.5;
            upper = centre + 0.5;
        }
        double pad = (upper - lower) * 0.04;
        lower = Math.max(lower - pad, -320);
        upper = Math.min(upper + pad, 308);
        double min = Math.pow(10, lower);
        double max = Math.pow(10, upper);

        int firstDecade = (int) Math.ceil(lower - 1e-9);
        int lastDecade = (int) Math.floor(upper + 1e-9);
        int decades = lastDecade - firstDecade + 1;
        if (decades >= MIN_TICKS) {
            int every = 1;
            while (countMultiples(firstDecade, lastDecade, every + 1) >= MIN_TICKS
                    && countMultiples(firstDecade, lastDecade, every) > maxTicks) {
                every++;
            }
            List<BigDecimal> values = new ArrayList<>();
            for (int e = firstDecade; e <= lastDecade; e++) {
                if (Math.floorMod(e, every) == 0) {
                    values.add(BigDecimal.ONE.scaleByPowerOfTen(e));
                }
            }
            return new Axis(min, max, ticks(values));
        }
        for (int[] mantissas : new int[][] {{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            List<BigDecimal> values = new ArrayList<>();
            for (int e = firstDecade - 1; e <= lastDecade; e++) {
                for (int m : mantissas) {
                    BigDecimal value = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
                    if (value.doubleValue() >= min * (1 - 1e-12) && value.doubleValue() <= max * (1 + 1e-12)) {
                        values.add(value);
                    }
                }
            }
            if (values.size() >= MIN_TICKS && values.size() <= Math.max(maxTicks, MIN_TICKS)) {
                return new Axis(min, max, ticks(values));
            }
        }
        List<Tick> ticks = linear(min, max, false, false, Math.max(MIN_TICKS, maxTicks / 2)).ticks().stream()
                .filter(t -> t.value() >= min && t.value() <= max && t.value() > 0)
                .toList();
        return new Axis(min, max, ticks);
    }

    private static int countMultiples(int from, int to, int every) {
        return Math.floorDiv(to, every) - Math.floorDiv(from - 1, every);
    }

    /**
     * Labels for one axis in one style: plain decimals when every tick lies between 1e-3 and 1e5, otherwise
     * exponent form for all of them, so an axis never mixes {@code 1000000} with {@code 1e8}.
     */
    private static List<Tick> ticks(List<BigDecimal> values) {
        boolean exponents = values.stream()
                .filter(v -> v.signum() != 0)
                .map(BigDecimal::abs)
                .anyMatch(v -> v.compareTo(PLAIN_FROM) < 0 || v.compareTo(PLAIN_BELOW) >= 0);
        return values.stream()
                .map(v -> new Tick(v.doubleValue(), exponents ? exponentForm(v) : plainForm(v)))
                .toList();
    }

    /** Iterations read best as whole numbers: {@code 250000}, not {@code 2.5e5}. */
    private static List<Tick> plainTicks(List<BigDecimal> values) {
        return values.stream().map(v -> new Tick(v.doubleValue(), plainForm(v))).toList();
    }

    private static final BigDecimal PLAIN_FROM = new BigDecimal("1e-3");
    private static final BigDecimal PLAIN_BELOW = new BigDecimal("1e5");

    /** An iteration (or any number) written without a trailing {@code .0}. */
    static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return label(BigDecimal.valueOf(v));
    }

    /** Plain decimals between 1e-3 and 1e5, exponent form outside: {@code 0.005}, {@code 25000}, {@code 3e-7}. */
    static String label(BigDecimal value) {
        BigDecimal abs = value.abs();
        return value.signum() == 0 || abs.compareTo(PLAIN_FROM) >= 0 && abs.compareTo(PLAIN_BELOW) < 0
                ? plainForm(value)
                : exponentForm(value);
    }

    private static String plainForm(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private static String exponentForm(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        String digits = stripped.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - stripped.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (stripped.signum() < 0 ? "-" : "") + mantissa + "e" + exponent;
    }

    /** A tick step m·10^e with m in {1, 2, 5}. */
    private record Step(long mantissa, int exponent) {

        double value() {
            return mantissa * Math.pow(10, exponent);
        }

        /** The smallest 1-2-5 step at least {@code raw}; whole numbers only when {@code integer}. */
        static Step atLeast(double raw, boolean integer) {
            if (!(raw > 0) || !Double.isFinite(raw)) {
                raw = 1;
            }
            int exponent = (int) Math.floor(Math.log10(raw));
            Step step = null;
            for (int e = exponent; step == null; e++) {
                for (long m : new long[] {1, 2, 5}) {
                    if (m * Math.pow(10, e) >= raw * (1 - 1e-12)) {
                        step = new Step(m, e);
                        break;
                    }
                }
            }
            if (integer && step.exponent() < 0) {
                return new Step(1, 0);
            }
            return step;
        }
    }
}
