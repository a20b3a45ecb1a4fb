package io.trainyard.dataset;

import java.util.List;

import io.trainyard.system.FieldError;

import tools.jackson.databind.JsonNode;

/**
 * The checks every piece of data sent as JSON goes through, whether it is uploaded as a data set or
 * sent inline with a job: one set of rules, one wording of the problems.
 */
public final class DataTables {

    private DataTables() {}

    /**
     * Checked data: rectangular, non-empty, finite.
     *
     * @param testX null when there are no test rows
     * @param validationX null when there is no explicit validation set
     */
    public record Table(
            double[][] x,
            double[][] y,
            double[][] testX,
            double[][] testY,
            double[][] validationX,
            double[][] validationY) {}

    /**
     * Checks data sent as JSON: {@code x} and {@code y} required, {@code testX} and {@code testY}
     * together or not at all, matching rows and columns, finite numbers, at most {@code maxCells} numbers.
     *
     * @param prefix put before every field name, e.g. {@code "data."} for a job's inline data
     * @return the checked table, or null after adding every problem to {@code errors}
     */
    public static Table check(
            double[][] x,
            JsonNode y,
            double[][] testX,
            JsonNode testY,
            String prefix,
            List<FieldError> errors,
            long maxCells) {
        return check(x, y, testX, testY, null, null, prefix, errors, maxCells);
    }

    /** The same, with an optional explicit validation set ({@code validationX} and {@code validationY}). */
    public static Table check(
            double[][] x,
            JsonNode y,
            double[][] testX,
            JsonNode testY,
            double[][] validationX,
            JsonNode validationY,
            String prefix,
            List<FieldError> errors,
            long maxCells) {
        int before = errors.size();
        x = matrix(x, prefix + "x", errors, true);
        double[][] ys = targets(y, prefix + "y", errors, true);
        testX = matrix(testX, prefix + "testX", errors, false);
        double[][] testYs = targets(testY, prefix + "testY", errors, false);
        validationX = matrix(validationX, prefix + "validationX", errors, false);
        double[][] validationYs = targets(validationY, prefix + "validationY", errors, false);
        if (errors.size() > before) {
            return null;
        }
        checkPart(x, ys, validationX, validationYs, "validation", prefix, errors);
        String[] targetFields = {"y", "testY", "validationY"};
        double[][][] targetParts = {ys, testYs, validationYs};
        for (int i = 0; i < targetParts.length; i++) {
            String overflow = targetsProblem(targetParts[i], null);
            if (overflow != null) {
                errors.add(new FieldError(prefix + targetFields[i], overflow));
            }
        }
        if (ys.length != x.length) {
            errors.add(new FieldError(prefix + "y", "has " + ys.length + " rows but " + prefix + "x has " + x.length));
        }
        if ((testX == null) != (testYs == null)) {
            errors.add(new FieldError(
                    testX == null ? prefix + "testX" : prefix + "testY",
                    "testX and testY come together; give both or neither"));
        } else if (testX != null) {
            if (testYs.length != testX.length) {
                errors.add(new FieldError(
                        prefix + "testY",
                        "has " + testYs.length + " rows but " + prefix + "testX has " + testX.length));
            }
            if (testX[0].length != x[0].length) {
                errors.add(new FieldError(
                        prefix + "testX",
                        "has " + testX[0].length + " columns but " + prefix + "x has " + x[0].length));
            }
            if (testYs[0].length != ys[0].length) {
                errors.add(new FieldError(
                        prefix + "testY",
                        "has " + testYs[0].length + " columns but " + prefix + "y has " + ys[0].length));
            }
        }
        long cells = cells(x) + cells(ys) + cells(testX) + cells(testYs) + cells(validationX) + cells(validationYs);
        if (cells > maxCells) {
            String field = prefix.isEmpty() ? "data" : prefix.substring(0, prefix.length() - 1);
            errors.add(new FieldError(
                    field,
                    "has " + cells + " numbers, more than the limit " + maxCells
                            + " (trainyard.limits.max-data-cells)"));
        }
        return errors.size() > before ? null : new Table(x, ys, testX, testYs, validationX, validationYs);
    }

    /**
     * What is wrong with data of {@code inputs} input and {@code targets} target columns when either is
     * more than a layer may have ({@code trainyard.limits.max-width}), or null when both fit. Such data
     * could never be trained on, only stored: a data set is refused at upload rather than at its first job.
     */
    public static String widthProblem(int inputs, int targets, int maxWidth) {
        if (inputs > maxWidth) {
            return "has " + inputs + " input columns, more than the width limit " + maxWidth
                    + " (trainyard.limits.max-width) of a network's input layer";
        }
        if (targets > maxWidth) {
            return "has " + targets + " target columns, more than the width limit " + maxWidth
                    + " (trainyard.limits.max-width) of a network's output layer";
        }
        return null;
    }

    /**
     * Why no squared-error loss can be computed on these targets, or null (also for null targets): the
     * sum of their squares, which is the loss of a network that predicts 0, must be a double. Beyond
     * it every loss of a job on them is Infinity or NaN, which no answer can carry as a number and no
     * early stopping can compare.
     *
     * @param names the target columns' names, or null to number them
     */
    public static String targetsProblem(double[][] y, List<String> names) {
        if (y == null) {
            return null;
        }
        double[] columns = new double[y[0].length];
        double total = 0;
        for (double[] row : y) {
            for (int c = 0; c < row.length; c++) {
                columns[c] += row[c] * row[c];
                total += row[c] * row[c];
            }
        }
        if (Double.isFinite(total)) {
            return null;
        }
        String which = "the targets together";
        for (int c = 0; c < columns.length; c++) {
            if (!Double.isFinite(columns[c])) {
                which = "target column " + (names == null ? String.valueOf(c) : "'" + names.get(c) + "'");
                break;
            }
        }
        return "the squares of " + which + " sum beyond the range of a double (about 1.8e308), so no "
                + "squared-error loss can be computed on them; rescale the targets";
    }

    /** A held-out part ({@code <part>X}, {@code <part>Y}): both or neither, rows and columns matching. */
    private static void checkPart(
            double[][] x,
            double[][] y,
            double[][] partX,
            double[][] partY,
            String part,
            String prefix,
            List<FieldError> errors) {
        String fx = prefix + part + "X";
        String fy = prefix + part + "Y";
        if ((partX == null) != (partY == null)) {
            errors.add(new FieldError(
                    partX == null ? fx : fy, part + "X and " + part + "Y come together; give both or neither"));
            return;
        }
        if (partX == null) {
            return;
        }
        if (partY.length != partX.length) {
            errors.add(new FieldError(fy, "has " + partY.length + " rows but " + fx + " has " + partX.length));
        }
        if (partX[0].length != x[0].length) {
            errors.add(
                    new FieldError(fx, "has " + partX[0].length + " columns but " + prefix + "x has " + x[0].length));
        }
        if (partY[0].length != y[0].length) {
            errors.add(
                    new FieldError(fy, "has " + partY[0].length + " columns but " + prefix + "y has " + y[0].length));
        }
    }

    private static long cells(double[][] m) {
        return m == null ? 0 : (long) m.length * m[0].length;
    }

    /** Checks a rectangular, non-empty matrix of finite numbers. */
    public static double[][] matrix(double[][] m, String field, List<FieldError> errors, boolean required) {
        if (m == null) {
            if (required) {
                errors.add(new FieldError(field, "is required: an array of rows, e.g. [[0.5, 1.0], [0.2, 3.0]]"));
            }
            return null;
        }
        if (m.length == 0) {
            errors.add(new FieldError(field, "needs at least one row"));
            return null;
        }
        for (int r = 0; r < m.length; r++) {
            if (m[r] == null) {
                errors.add(new FieldError(field + "[" + r + "]", "is null; every row must be an array of numbers"));
                return null;
            }
            if (m[r].length == 0) {
                errors.add(new FieldError(field + "[" + r + "]", "is empty; every row needs at least one number"));
                return null;
            }
            if (m[r].length != m[0].length) {
                errors.add(new FieldError(
                        field + "[" + r + "]",
                        "has " + m[r].length + " numbers but row 0 has " + m[0].length
                                + "; all rows must have the same length"));
                return null;
            }
            for (int c = 0; c < m[r].length; c++) {
                if (!Double.isFinite(m[r][c])) {
                    errors.add(new FieldError(
                            field + "[" + r + "][" + c + "]", "must be a finite number, got " + m[r][c]));
                    return null;
                }
            }
        }
        return m;
    }

    /** Targets as rows, or a flat array for one output. */
    public static double[][] targets(JsonNode node, String field, List<FieldError> errors, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(
                        new FieldError(field, "is required: an array of target rows, or a flat array for one output"));
            }
            return null;
        }
        if (!node.isArray()) {
            errors.add(new FieldError(field, "must be an array of rows or a flat array of numbers"));
            return null;
        }
        double[][] rows = new double[node.size()][];
        for (int r = 0; r < node.size(); r++) {
            JsonNode item = node.get(r);
            if (item.isNumber()) {
                rows[r] = new double[] {value(item)};
            } else if (item.isArray()) {
                rows[r] = new double[item.size()];
                for (int c = 0; c < item.size(); c++) {
                    if (!item.get(c).isNumber()) {
                        errors.add(new FieldError(
                                field + "[" + r + "][" + c + "]", "must be a number, got " + item.get(c)));
                        return null;
                    }
                    rows[r][c] = value(item.get(c));
                }
            } else {
                errors.add(
                        new FieldError(field + "[" + r + "]", "must be a number or an array of numbers, got " + item));
                return null;
            }
            if (r > 0 && item.isNumber() != node.get(0).isNumber()) {
                errors.add(new FieldError(field + "[" + r + "]", "mixes flat numbers and rows; use one form"));
                return null;
            }
        }
        return matrix(rows, field, errors, required);
    }

    /**
     * A JSON number as a double, overflowing to an infinity as {@code 1e400} does, so that the finite
     * check names it where it stands. Jackson 3's {@code asDouble()} throws instead for a whole number
     * written out beyond a double's range (a 1 and 400 zeros is a {@code BigIntegerNode}), which
     * reached the client as a 500.
     */
    private static double value(JsonNode number) {
        return number.numberValue().doubleValue();
    }
}
