package io.trainyard.system;

/**
 * What a CSV cell may hold to count as a number, the same for data set uploads and CSV predictions:
 * {@link Double#parseDouble} alone would also take {@code 1d}, {@code 0x1p3} and {@code NaN}.
 */
public final class Decimals {

    private Decimals() {}

    /**
     * Plain decimal or scientific notation ({@code [+-]digits[.digits][(e|E)[+-]digits]}, at least
     * one mantissa digit); no hex, no type suffixes, no NaN or Infinity. One pass, no backtracking:
     * the time is linear in the cell's length whatever it holds.
     */
    public static boolean isDecimal(CharSequence s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
