package io.trainyard.dataset;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import io.trainyard.system.ByteOrderMark;
import io.trainyard.system.Decimals;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.LineBoundedReader;
import io.trainyard.system.Names;

/**
 * A numeric CSV file with a header row, split into input and target columns. Every problem is
 * reported with its line and column as a user sees them in an editor.
 *
 * @param columns input columns in file order, then target columns in the order asked for
 */
record CsvTable(List<String> columns, double[][] x, double[][] y) {

    /** Characters of one line: 1,024 columns of generous numbers, with room to spare. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /**
     * Parses {@code reader}.
     *
     * @param targets target column names; empty means the last column
     * @param maxCells the largest number of cells accepted
     * @throws InvalidRequestException naming the line and column of the first bad cell
     */
    static CsvTable parse(Reader reader, List<String> targets, long maxCells) {
        return parse(reader, targets, maxCells, Integer.MAX_VALUE);
    }

    /**
     * Parses {@code reader}, refusing a header with more input or target columns than a network
     * layer may have ({@code maxWidth}) before any row is read.
     */
    static CsvTable parse(Reader reader, List<String> targets, long maxCells, int maxWidth) {
        // Surrounding whitespace is dropped (a quoted cell's too, below), but not by the parser's trim,
        // which drops every character up to the space: a NUL or another control character at the end of
        // a name or a number was silently cut off, where one inside it is refused.
        CSVFormat format = CSVFormat.DEFAULT
                .builder()
                .setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true)
                .get();
        try (CSVParser parser =
                CSVParser.parse(new LineBoundedReader(ByteOrderMark.skipped(reader), MAX_LINE_CHARS), format)) {
            var records = parser.iterator();
            if (!records.hasNext()) {
                throw invalid("line 1: the file is empty; send a header row and at least one data row");
            }
            List<String> header =
                    new ArrayList<>(records.next().stream().map(String::strip).toList());
            Set<String> unique = new LinkedHashSet<>(header);
            if (unique.size() != header.size() || header.contains("")) {
                throw invalid("line 1: column names must be non-empty and distinct, got " + header);
            }
            for (int c = 0; c < header.size(); c++) {
                // A column name becomes a model's input or output name, which an import takes at this length:
                // longer, and every list of data sets would carry it (a 100,000-character name was taken).
                if (Names.tooLong(header.get(c))) {
                    throw invalid("line 1, column " + (c + 1) + ": the name has "
                            + Names.length(header.get(c)) + " characters; column names are at most "
                            + Names.MAX_LENGTH);
                }
                // As a JSON upload's names: PostgreSQL cannot store a NUL, and a model trained on the file
                // would keep it as an input name that its own export could not be imported with.
                String characters = Names.characterProblem(header.get(c));
                if (characters != null) {
                    throw invalid("line 1, column " + (c + 1) + ": the name " + characters);
                }
            }
            if (header.size() < 2) {
                throw invalid("line 1: need at least one input and one target column, got " + header);
            }
            // Before the targets are looked up (a name search per target) and any row is read: no network
            // takes more than maxWidth inputs or outputs, so such a file could only fill the database.
            if (header.size() > 2L * maxWidth) {
                throw invalid("line 1: the header has " + header.size() + " columns; a network takes at most "
                        + maxWidth + " input columns and " + maxWidth + " target columns"
                        + " (trainyard.limits.max-width)");
            }
            List<String> asked =
                    targets.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
            List<String> targetNames = asked.isEmpty() ? List.of(header.get(header.size() - 1)) : asked;
            if (new LinkedHashSet<>(targetNames).size() != targetNames.size()) {
                throw new InvalidRequestException("target", "names a column more than once: " + targetNames);
            }
            int[] targetIndex = new int[targetNames.size()];
            for (int t = 0; t < targetNames.size(); t++) {
                targetIndex[t] = header.indexOf(targetNames.get(t));
                if (targetIndex[t] < 0) {
                    throw new InvalidRequestException(
                            "target",
                            "line 1: unknown target column '" + targetNames.get(t) + "'; the header has " + header);
                }
            }
            List<Integer> inputIndex = new ArrayList<>();
            for (int c = 0; c < header.size(); c++) {
                if (!targetNames.contains(header.get(c))) {
                    inputIndex.add(c);
                }
            }
            if (inputIndex.isEmpty()) {
                throw new InvalidRequestException(
                        "target", "every column is a target; leave at least one input column");
            }
            String tooWide = DataTables.widthProblem(inputIndex.size(), targetNames.size(), maxWidth);
            if (tooWide != null) {
                throw invalid("line 1: the header " + tooWide);
            }
            List<double[]> xs = new ArrayList<>();
            List<double[]> ys = new ArrayList<>();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                long line = parser.getCurrentLineNumber();
                if (record.size() < header.size()) {
                    throw invalid("line " + line + ", column '" + header.get(record.size()) + "': missing; the row has "
                            + record.size() + " cells but the header has " + header.size());
                }
                if (record.size() > header.size()) {
                    throw invalid(
                            "line " + line + ", column " + (header.size() + 1) + ": one cell too many; the row has "
                                    + record.size() + " cells but the header has " + header.size());
                }
                if ((long) (xs.size() + 1) * header.size() > maxCells) {
                    throw invalid("line " + line + ": the file has more than " + maxCells
                            + " cells, the limit (trainyard.limits.max-data-cells)");
                }
                double[] xRow = new double[inputIndex.size()];
                for (int i = 0; i < xRow.length; i++) {
                    xRow[i] = number(record, inputIndex.get(i), header, line);
                }
                double[] yRow = new double[targetIndex.length];
                for (int t = 0; t < yRow.length; t++) {
                    yRow[t] = number(record, targetIndex[t], header, line);
                }
                xs.add(xRow);
                ys.add(yRow);
            }
            if (xs.isEmpty()) {
                throw invalid("line 2: the file has a header but no data rows; nothing is left to train on");
            }
            List<String> columns = new ArrayList<>();
            inputIndex.forEach(i -> columns.add(header.get(i)));
            columns.addAll(targetNames);
            double[][] y = ys.toArray(double[][]::new);
            String overflow = DataTables.targetsProblem(y, targetNames);
            if (overflow != null) {
                throw invalid(overflow);
            }
            return new CsvTable(columns, xs.toArray(double[][]::new), y);
        } catch (LineBoundedReader.LineTooLongException e) {
            throw invalid(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            if (e.getCause() instanceof LineBoundedReader.LineTooLongException tooLong) {
                throw invalid(tooLong.getMessage());
            }
            // The parser's words (they name the line), not its exception's class name before them.
            Throwable reason = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            throw invalid("the file is not valid CSV: " + reason.getMessage());
        }
    }

    private static double number(CSVRecord record, int column, List<String> header, long line) {
        String cell = record.get(column).strip();
        String where = "line " + line + ", column '" + header.get(column) + "'";
        String tooLong = Decimals.lengthProblem(cell);
        if (tooLong != null) {
            throw invalid(where + ": " + tooLong);
        }
        if (!Decimals.isDecimal(cell)) {
            String what = cell.isEmpty() ? "is empty" : "'" + cell + "' is not a number";
            if (cell.equalsIgnoreCase("nan")
                    || cell.toLowerCase(java.util.Locale.ROOT).contains("inf")) {
                what = "'" + cell + "' is not a finite number";
            }
            throw invalid(where + ": " + what);
        }
        double value = Double.parseDouble(cell);
        if (!Double.isFinite(value)) {
            throw invalid(where + ": '" + cell + "' is not a finite number");
        }
        return value;
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException("file", message);
    }
}
