package io.trainyard.nn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

/** The built-in homework data set, read straight from the shipped resources. */
final class Hw5 {

    private Hw5() {}

    /** {@code [x, y]} of {@code hw5-train.csv} or {@code hw5-test.csv}. */
    static RealMatrix[] read(String part) {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Hw5.class.getResourceAsStream("/datasets/hw5-" + part + ".csv"), StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(java.util.Arrays.stream(line.split(","))
                            .mapToDouble(Double::parseDouble)
                            .toArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int width = rows.get(0).length;
        double[][] x = new double[rows.size()][width - 1];
        double[][] y = new double[rows.size()][1];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, x[r], 0, width - 1);
            y[r][0] = rows.get(r)[width - 1];
        }
        return new RealMatrix[] {new Array2DRowRealMatrix(x, false), new Array2DRowRealMatrix(y, false)};
    }
}
