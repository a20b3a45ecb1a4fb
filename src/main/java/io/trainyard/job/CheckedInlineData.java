package io.trainyard.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;

import io.trainyard.dataset.DataTables;
import io.trainyard.nn.Preprocessing;
import io.trainyard.system.FieldError;

/**
 * Inline data that has passed {@link DataTables#check}: converted once and then only read, so every
 * job resolved against it shares the same arrays. A sweep's members all train on its base's data; each
 * of up to {@code max-sweep-size} members checking and converting it again held one copy per member
 * (200 copies of 1.5 million rows ran a 6 GB heap out of memory), where a sweep should cost one copy
 * of its data and a little bookkeeping per member.
 *
 * <p>Whether the preprocessing can turn the data into finite numbers depends only on the basis degree
 * and normalisation, so it is worked out once per pair a sweep's grid asks for (at most 20), not once
 * per member.
 */
public final class CheckedInlineData {

    private final DataTables.Table table;
    /** The problems found for each (basisDegree, normalize) pair asked about. */
    private final Map<Integer, List<FieldError>> unusable = new ConcurrentHashMap<>();

    private CheckedInlineData(DataTables.Table table) {
        this.table = table;
    }

    /**
     * Checks and converts inline data whose fields are named {@code fieldPrefix} + {@code x}, … (a job's
     * {@code data.}, a sweep base's {@code base.data.}).
     *
     * @return the checked data, or null after adding every problem to {@code errors}
     */
    public static CheckedInlineData check(
            CreateJobRequest.InlineData data, String fieldPrefix, List<FieldError> errors, long maxCells) {
        DataTables.Table table = DataTables.check(
                data.x(),
                data.y(),
                data.testX(),
                data.testY(),
                data.validationX(),
                data.validationY(),
                fieldPrefix,
                errors,
                maxCells);
        return table == null ? null : new CheckedInlineData(table);
    }

    DataTables.Table table() {
        return table;
    }

    /**
     * The parts of the data that the preprocessing cannot turn into finite numbers, as problems of
     * {@code data.x}, {@code data.testX} and {@code data.validationX}; empty when it can. Fitted on every
     * row of x: with a validationFraction the job fits on the rest, and checks again when it starts.
     */
    List<FieldError> unusable(int basisDegree, boolean normalize) {
        return unusable.computeIfAbsent(
                basisDegree * 2 + (normalize ? 1 : 0), key -> List.copyOf(findUnusable(basisDegree, normalize)));
    }

    private List<FieldError> findUnusable(int basisDegree, boolean normalize) {
        String advice = "; use a lower basisDegree, or rescale that column";
        List<FieldError> errors = new ArrayList<>();
        Preprocessing fitted;
        try {
            fitted = Preprocessing.fit(new Array2DRowRealMatrix(table.x(), false), basisDegree, normalize);
        } catch (Preprocessing.UnusableInputException e) {
            errors.add(new FieldError("data.x", e.getMessage() + advice));
            return errors;
        }
        String[] fields = {"data.testX", "data.validationX"};
        double[][][] parts = {table.testX(), table.validationX()};
        for (int i = 0; i < parts.length; i++) {
            String unusableRows = parts[i] == null ? null : fitted.unusableRows(parts[i]);
            if (unusableRows != null) {
                errors.add(new FieldError(fields[i], unusableRows + advice));
            }
        }
        return errors;
    }
}
