package io.trainyard.model;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

import io.trainyard.nn.Model;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.ResponseCutShortException;

/**
 * Predictions for a CSV body, streamed: rows are read, checked and predicted a chunk at a time and
 * written out before the next chunk is read, so memory stays at one chunk whatever the file's size.
 *
 * <p>The first line is a header. When the model knows its input column names and the header has
 * all of them, columns are matched by name (in any order; other columns are ignored, e.g. the
 * target column of the training file); otherwise the header must have exactly as many columns as
 * the model has inputs, taken in order. The answer has the input columns (as sent) and one column
 * per output.
 *
 * <p>Bad input: the first chunk ({@link #CHUNK_CELLS} numbers, at least {@value #MIN_CHUNK_ROWS}
 * rows) is checked completely before anything is written, so a bad header, a ragged row or a cell
 * that is not a finite number there is a 400 naming the line and column. A bad row in a later chunk
 * arrives after the 200 and earlier rows went out: the response is then cut off (the connection is
 * closed without ending the body), never finished as if complete, and the server logs the line and
 * column. Clients that need the 400 for every row check the file first or send it in parts.
 */
final class CsvPredictions {

    /** Numbers read before any output: bounds memory per chunk. */
    static final int CHUNK_CELLS = 1 << 16;

    static final int MIN_CHUNK_ROWS = 256;

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .setTrim(true)
            .get();

    private CsvPredictions() {}

    /**
     * @param output opened only once the first chunk has been checked and predicted
     * @throws InvalidRequestException for a bad header or a bad row in the first chunk
     * @throws ResponseCutShortException for a bad row after output started
     */
    static void predict(StoredModel stored, Reader body, Supplier<Writer> output) throws IOException {
        Model model = stored.model();
        int width = model.inputWidth();
        boolean started = false;
        try (CSVParser parser =
                CSVParser.builder().setReader(body).setFormat(FORMAT).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                throw new InvalidRequestException(
                        "body", "is empty; send a header row, then one row of " + width + " inputs per sample");
            }
            CSVRecord header = records.next();
            int[] source = columns(header, stored.inputColumns(), width);
            List<String> names = new ArrayList<>();
            for (int j : source) {
                names.add(header.get(j));
            }
            names.addAll(outputNames(stored.outputColumns(), model.outputWidth()));
            int chunkRows = Math.max(MIN_CHUNK_ROWS, CHUNK_CELLS / width);

            Chunk chunk = Chunk.read(records, header.toList(), source, chunkRows);
            if (chunk.error != null) {
                throw new InvalidRequestException(chunk.error.field, chunk.error.message);
            }
            Writer writer = output.get();
            started = true;
            CSVPrinter printer = new CSVPrinter(
                    writer, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get());
            printer.printRecord(names);
            while (true) {
                chunk.write(model, printer);
                if (chunk.error != null) {
                    printer.flush();
                    throw new ResponseCutShortException("CSV prediction for model " + stored.id()
                            + " stopped after the response started: " + chunk.error.field + " " + chunk.error.message);
                }
                if (!records.hasNext()) {
                    break;
                }
                chunk = Chunk.read(records, header.toList(), source, chunkRows);
            }
            printer.flush();
        } catch (UncheckedIOException e) {
            // commons-csv reports broken quoting while iterating
            if (started) {
                throw new ResponseCutShortException("CSV prediction for model " + stored.id()
                        + " stopped after the response started: " + e.getMessage());
            }
            throw new InvalidRequestException("body", "is not valid CSV: " + e.getMessage());
        }
    }

    /** Which header column feeds each model input. */
    private static int[] columns(CSVRecord header, List<String> known, int width) {
        List<String> cells = header.toList();
        boolean numeric = !cells.isEmpty();
        for (String cell : cells) {
            numeric &= parse(cell) != null;
        }
        if (numeric) {
            throw new InvalidRequestException(
                    "line 1",
                    "must be a header row (column names), but it holds only "
                            + "numbers; add a header line such as "
                            + String.join(
                                    ",",
                                    known != null
                                            ? known
                                            : java.util.stream.IntStream.range(0, width)
                                                    .mapToObj(i -> "x" + i)
                                                    .toList()));
        }
        int[] source = new int[width];
        if (known != null && cells.containsAll(known)) {
            for (int i = 0; i < width; i++) {
                source[i] = cells.indexOf(known.get(i));
            }
            return source;
        }
        if (cells.size() != width) {
            throw new InvalidRequestException(
                    "line 1",
                    "the header has " + cells.size() + " columns but the model "
                            + "expects " + width + " inputs"
                            + (known == null
                                    ? ""
                                    : ", named " + known + " (matched by name, "
                                            + "in any order, other columns ignored)"));
        }
        for (int i = 0; i < width; i++) {
            source[i] = i;
        }
        return source;
    }

    private static List<String> outputNames(List<String> known, int outputs) {
        if (known != null && known.size() == outputs) {
            return known;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            names.add(outputs == 1 ? "y" : "y" + i);
        }
        return names;
    }

    private static Double parse(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record Problem(String field, String message) {}

    /** Up to {@code rows} good rows, then possibly the first problem (nothing after it is read). */
    private static final class Chunk {

        private final List<String[]> text = new ArrayList<>();
        private final List<double[]> values = new ArrayList<>();
        private Problem error;

        static Chunk read(Iterator<CSVRecord> records, List<String> header, int[] source, int rows) {
            int headerWidth = header.size();
            Chunk chunk = new Chunk();
            while (chunk.values.size() < rows && records.hasNext()) {
                CSVRecord record = records.next();
                long line = record.getRecordNumber();
                if (record.size() != headerWidth) {
                    chunk.error = new Problem(
                            "line " + line, "has " + record.size() + " columns but the header has " + headerWidth);
                    return chunk;
                }
                String[] cells = new String[source.length];
                double[] x = new double[source.length];
                for (int i = 0; i < source.length; i++) {
                    cells[i] = record.get(source[i]);
                    Double v = parse(cells[i]);
                    if (v == null || !Double.isFinite(v)) {
                        chunk.error = new Problem(
                                "line " + line + ", column " + (source[i] + 1) + " (" + header.get(source[i]) + ")",
                                "must be a finite number, got '" + abbreviate(cells[i]) + "'");
                        return chunk;
                    }
                    x[i] = v;
                }
                chunk.text.add(cells);
                chunk.values.add(x);
            }
            return chunk;
        }

        /** Predicts and writes the good rows. */
        void write(Model model, CSVPrinter printer) throws IOException {
            if (values.isEmpty()) {
                return;
            }
            RealMatrix y = model.predict(new Array2DRowRealMatrix(values.toArray(double[][]::new), false));
            List<String> row = new ArrayList<>();
            for (int r = 0; r < values.size(); r++) {
                row.clear();
                for (String cell : text.get(r)) {
                    row.add(cell);
                }
                for (double v : y.getRow(r)) {
                    row.add(Double.toString(v));
                }
                printer.printRecord(row);
            }
        }

        private static String abbreviate(String cell) {
            return cell.length() <= 40 ? cell : cell.substring(0, 40) + "…";
        }
    }
}
