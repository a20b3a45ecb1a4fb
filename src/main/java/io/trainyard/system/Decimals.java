package io.trainyard.system;

/**
 * What a CSV cell may hold to count as a number, the same for data set uploads and CSV predictions:
 * {@link Double#parseDouble} alone would also take {@code 1d}, {@code 0x1p3} and {@code NaN}.
 */
public final class Decimals {

    /**
     * Characters of one number cell. Seventeen significant digits and an exponent need about 25; a
     * cell ten times that long is not a number anyone wrote by hand or program.
     */
    public static final int MAX_CELL_CHARS = 256;

    private Decimals() {}

    /** Why a cell is too long to be a number ("the cell has 302 characters, …"), or null. Checked before it is parsed. */
    public static String lengthProblem(CharSequence cell) {
        if (cell.length() <= MAX_CELL_CHARS) {
            return null;
        }
        return "the cell has " + cell.length() + " characters, more than " + MAX_CELL_CHARS
                + "; a number needs far fewer";
    }

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
