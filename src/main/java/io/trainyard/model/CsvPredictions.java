package io.trainyard.model;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
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

import io.trainyard.nn.MemoryEstimate;
import io.trainyard.nn.Model;
import io.trainyard.system.Decimals;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.LineBoundedReader;
import io.trainyard.system.ResponseCutShortException;
import io.trainyard.system.StrictText;

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
 *
 * <p>Cells are read exactly as a data set upload reads them ({@link Decimals}: no {@code 1d}, hex or
 * NaN), a UTF-8 byte-order mark before the header is not part of the first name, and lines are
 * numbered as an editor shows them (blank lines and quoted line breaks counted). A row whose
 * prediction is not a finite number (the inputs overflow the model) is a bad row like any other:
 * its line is named, and nothing pretends the answer is a number.
 */
final class CsvPredictions {

    /** Numbers read before any output: bounds memory per chunk. */
    static final int CHUNK_CELLS = 1 << 16;

    static final int MIN_CHUNK_ROWS = 256;

    /** Characters of one line, as for data set uploads: 1,024 columns of generous numbers, with room to spare. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /**
     * Working memory of one forward pass: a chunk is predicted in slices of rows that fit, so a wide
     * model does not hold a chunk's activations of every layer at once (65,536 rows through 1,024
     * units are gigabytes).
     */
    static final long SLICE_BYTES = 16L << 20;

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
        try (CSVParser parser = CSVParser.builder()
                .setReader(new LineBoundedReader(body, MAX_LINE_CHARS))
                .setFormat(FORMAT)
                .get()) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                throw new InvalidRequestException(
                        "body", "is empty; send a header row, then one row of " + width + " inputs per sample");
            }
            List<String> header = new ArrayList<>(records.next().toList());
            // Spreadsheet programs often start a UTF-8 file with a byte-order mark; it is not part of the name.
            if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
                header.set(0, header.get(0).substring(1).trim());
            }
            int[] source = columns(header, stored.inputColumns(), width);
            List<String> names = new ArrayList<>();
            for (int j : source) {
                names.add(header.get(j));
            }
            names.addAll(outputNames(stored.outputColumns(), model.outputWidth()));
            int chunkRows = Math.max(MIN_CHUNK_ROWS, CHUNK_CELLS / width);
            int sliceRows = (int) Math.max(
                    1,
                    Math.min(chunkRows, SLICE_BYTES / Math.max(1, MemoryEstimate.prediction(model.layerSizes(), 1))));

            Chunk chunk = Chunk.read(records, parser, header, source, chunkRows);
            chunk.predict(model, sliceRows);
            if (chunk.error != null) {
                throw new InvalidRequestException(chunk.error.field, chunk.error.message);
            }
            Writer writer = output.get();
            started = true;
            CSVPrinter printer = new CSVPrinter(
                    writer, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get());
            printer.printRecord(names);
            while (true) {
                chunk.write(printer);
                if (chunk.error != null) {
                    printer.flush();
                    throw new ResponseCutShortException("CSV prediction for model " + stored.id()
                            + " stopped after the response started: " + chunk.error.field + " " + chunk.error.message);
                }
                if (!records.hasNext()) {
                    break;
                }
                chunk = Chunk.read(records, parser, header, source, chunkRows);
                chunk.predict(model, sliceRows);
            }
            printer.flush();
        } catch (UncheckedIOException e) {
            // commons-csv reports broken quoting, and the reader a line that is too long or bytes that
            // are not text, while iterating
            String problem = e.getCause() instanceof LineBoundedReader.LineTooLongException tooLong
                    ? tooLong.getMessage()
                    : e.getCause() instanceof CharacterCodingException
                            ? StrictText.PROBLEM
                            : "is not valid CSV: "
                                    + (e.getCause() != null && e.getCause().getMessage() != null
                                            ? e.getCause().getMessage()
                                            : e.getMessage());
            if (started) {
                throw new ResponseCutShortException(
                        "CSV prediction for model " + stored.id() + " stopped after the response started: " + problem);
            }
            throw new InvalidRequestException("body", problem);
        } catch (LineBoundedReader.LineTooLongException e) {
            // the header line, read while the parser is built
            throw new InvalidRequestException("body", e.getMessage());
        } catch (CharacterCodingException e) {
            // the same, in bytes that are not text
            if (started) {
                throw new ResponseCutShortException("CSV prediction for model " + stored.id()
                        + " stopped after the response started: " + StrictText.PROBLEM);
            }
            throw new InvalidRequestException("body", StrictText.PROBLEM);
        }
    }

    /** Which header column feeds each model input. */
    private static int[] columns(List<String> cells, List<String> known, int width) {
        boolean numeric = !cells.isEmpty();
        for (String cell : cells) {
            numeric &= Decimals.isDecimal(cell);
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
                // Matched by name, a repeated name leaves the input ambiguous: refused, as an upload refuses it.
                if (cells.lastIndexOf(known.get(i)) != source[i]) {
                    throw new InvalidRequestException(
                            "line 1",
                            "names the column '" + known.get(i) + "' more than once; the model reads its input '"
                                    + known.get(i) + "' from one column, so keep one");
                }
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

    /** The cell's value, or null when it is not a finite number written in decimal. */
    private static Double parse(String cell) {
        if (!Decimals.isDecimal(cell)) {
            return null;
        }
        double value = Double.parseDouble(cell);
        return Double.isFinite(value) ? value : null;
    }

    private record Problem(String field, String message) {}

    /**
     * Up to {@code rows} good rows with their predictions, then possibly the first problem: a bad
     * row (nothing after it is read) or the first row whose prediction is not finite (the rows from
     * it on are dropped).
     */
    private static final class Chunk {

        private final List<String[]> text = new ArrayList<>();
        private final List<double[]> values = new ArrayList<>();
        private final List<Long> lines = new ArrayList<>();
        private double[][] predictions;
        private Problem error;

        static Chunk read(Iterator<CSVRecord> records, CSVParser parser, List<String> header, int[] source, int rows) {
            int headerWidth = header.size();
            Chunk chunk = new Chunk();
            while (chunk.values.size() < rows && records.hasNext()) {
                CSVRecord record = records.next();
                // The parser's line count, not the record number: blank lines and quoted line breaks
                // count, so the line is the one an editor shows.
                long line = parser.getCurrentLineNumber();
                if (record.size() != headerWidth) {
                    chunk.error = new Problem(
                            "line " + line, "has " + record.size() + " columns but the header has " + headerWidth);
                    return chunk;
                }
                String[] cells = new String[source.length];
                double[] x = new double[source.length];
                for (int i = 0; i < source.length; i++) {
                    cells[i] = record.get(source[i]);
                    String tooLong = Decimals.lengthProblem(cells[i]);
                    if (tooLong != null) {
                        chunk.error = new Problem(
                                "line " + line + ", column " + (source[i] + 1) + " (" + header.get(source[i]) + ")",
                                tooLong);
                        return chunk;
                    }
                    Double v = parse(cells[i]);
                    if (v == null) {
                        chunk.error = new Problem(
                                "line " + line + ", column " + (source[i] + 1) + " (" + header.get(source[i]) + ")",
                                "must be a finite number, got '" + abbreviate(cells[i]) + "'");
                        return chunk;
                    }
                    x[i] = v;
                }
                chunk.text.add(cells);
                chunk.values.add(x);
                chunk.lines.add(line);
            }
            return chunk;
        }

        /** Predicts the good rows, {@code sliceRows} at a time; keeps those before a non-finite prediction. */
        void predict(Model model, int sliceRows) {
            predictions = new double[values.size()][];
            for (int from = 0; from < values.size(); from += sliceRows) {
                int to = Math.min(values.size(), from + sliceRows);
                RealMatrix y = model.predict(
                        new Array2DRowRealMatrix(values.subList(from, to).toArray(double[][]::new), false));
                for (int r = from; r < to; r++) {
                    double[] row = y.getRow(r - from);
                    for (double v : row) {
                        if (!Double.isFinite(v)) {
                            error = new Problem(
                                    "line " + lines.get(r),
                                    "the model's prediction for this row is not a finite number (" + v
                                            + "): the inputs are far outside what the model's weights can handle");
                            text.subList(r, text.size()).clear();
                            values.subList(r, values.size()).clear();
                            return;
                        }
                    }
                    predictions[r] = row;
                }
            }
        }

        /** Writes the good rows and their predictions. */
        void write(CSVPrinter printer) throws IOException {
            List<String> row = new ArrayList<>();
            for (int r = 0; r < values.size(); r++) {
                row.clear();
                for (String cell : text.get(r)) {
                    row.add(cell);
                }
                for (double v : predictions[r]) {
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
