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
import io.trainyard.system.ByteOrderMark;
import io.trainyard.system.Decimals;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.LineBoundedReader;
import io.trainyard.system.Names;
import io.trainyard.system.ResponseCutShortException;
import io.trainyard.system.StrictText;

/**
 * Predictions for a CSV body, streamed: rows are read, checked and predicted a chunk at a time and
 * written out before the next chunk is read, so memory stays at one chunk whatever the file's size.
 *
 * <p>The first line is a header. When the model knows its input column names and the header has
 * all of them, columns are matched by name (in any order; other columns are ignored, e.g. the
 * target column of the training file); otherwise the header must have exactly as many columns as
 * the model has inputs, taken in order, and none of them named like an input other than the one its
 * position feeds. The answer has the input columns (as sent) and one column per output.
 *
 * <p>Bad input: every row is read and checked before anything is predicted or written (a body of
 * more than one chunk is read twice for that, the first time only to check it), so a bad header, a
 * ragged row, a cell that is not a finite number, or a body over the bounds of a JSON request of the
 * same rows ({@link Bounds}: cells, and rows through the model, which also bound its CPU time) is a
 * 400 naming the line and column or the limit. Only a row whose prediction is not a finite number
 * can be found after the answer started (in a chunk after the first, {@link #CHUNK_CELLS} numbers,
 * at least {@value #MIN_CHUNK_ROWS} rows): the response is then cut off (the connection is closed
 * without ending the body), never finished as if complete, and the server logs the line.
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

    /**
     * Whitespace around a cell is dropped (a quoted cell's by {@link String#strip}), but not by the
     * parser's trim, which drops every character up to the space: a NUL or another control character at
     * the end of a number was cut off silently, as data set uploads did.
     */
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .get();

    private CsvPredictions() {}

    /**
     * What one request may hold: the bounds of a JSON prediction request of the same rows, so that
     * neither format carries more work than the other.
     *
     * @param maxDataCells numbers in the body, rows × header columns ({@code trainyard.limits.max-data-cells})
     * @param maxMemoryBytes the working memory the rows would need predicted at once, as the JSON path
     *     estimates it ({@code trainyard.limits.max-job-memory}); the CSV path predicts in slices, but
     *     this bound on rows through the model is also what bounds the request's CPU time
     */
    record Bounds(long maxDataCells, long maxMemoryBytes) {

        /** Rows through {@code model} whose prediction at once stays within {@link #maxMemoryBytes}. */
        long maxRows(Model model) {
            return maxMemoryBytes / bytesPerRow(model);
        }
    }

    /**
     * Checks every row of the body against the model and {@code bounds}, then predicts and writes
     * them: a bad row anywhere, or a body over {@code bounds}, is a 400 before anything is predicted
     * or written. A body of one chunk is read once; a longer one twice ({@code body} opens it again),
     * the first time only to check it, so memory stays at one chunk of rows whatever the body's length.
     *
     * @param body opens the body from its start; called once or twice
     * @param output opened only once every row has been checked and the first chunk predicted
     * @throws InvalidRequestException for a bad header or row, a body over {@code bounds}, or a row of
     *     the first chunk whose prediction is not a finite number
     * @throws ResponseCutShortException for a row after the first chunk whose prediction is not a finite
     *     number (the answer has started)
     */
    static void predict(StoredModel stored, Supplier<Reader> body, Bounds bounds, Supplier<Writer> output)
            throws IOException {
        Chunk only = readingAll(stored, () -> check(stored, body.get(), bounds), null);
        readingAll(stored, () -> answer(stored, only == null ? body.get() : null, only, output), output);
    }

    /**
     * Reads the whole body, checking every row and counting them against {@code bounds}.
     *
     * @return the body's only chunk, read and checked, when it has just one; else null
     */
    private static Chunk check(StoredModel stored, Reader body, Bounds bounds) throws IOException {
        try (Reading reading = new Reading(stored, body)) {
            long maxRows = bounds.maxRows(stored.model());
            long rows = 0;
            Chunk first = null;
            boolean more = false;
            do {
                Chunk chunk = reading.next();
                if (chunk.error != null) {
                    throw new InvalidRequestException(chunk.error.field, chunk.error.message);
                }
                rows += chunk.values.size();
                if (rows * reading.header.size() > bounds.maxDataCells()) {
                    throw new InvalidRequestException(
                            "body",
                            "holds more than " + bounds.maxDataCells() + " numbers (trainyard.limits.max-data-cells): "
                                    + rows + " rows of " + reading.header.size() + " columns by line "
                                    + chunk.lines.get(chunk.lines.size() - 1) + "; send fewer rows per request");
                }
                if (rows > maxRows) {
                    throw new InvalidRequestException(
                            "body",
                            "holds more than " + maxRows + " rows, the most one request may predict through layers "
                                    + java.util.Arrays.toString(stored.model().layerSizes())
                                    + " (as many rows in JSON would need more working memory than "
                                    + (bounds.maxMemoryBytes() >> 20)
                                    + " MiB, trainyard.limits.max-job-memory); send fewer rows per request");
                }
                more = first != null;
                if (first == null) {
                    first = chunk;
                }
            } while (reading.hasNext());
            if (rows == 0) {
                // As an upload of such a file, and as JSON's {"x": []}: an answer of only a header looks
                // like success to a script that then has no predictions to read.
                throw new InvalidRequestException(
                        "line 2",
                        "the file has a header but no data rows; send one row of "
                                + stored.model().inputWidth() + " inputs per sample after the header");
            }
            return more ? null : first;
        }
    }

    /**
     * Predicts and writes a checked body: {@code only} when it is a single chunk, else read from
     * {@code body} a chunk at a time.
     */
    private static Void answer(StoredModel stored, Reader body, Chunk only, Supplier<Writer> output)
            throws IOException {
        Model model = stored.model();
        try (Reading reading = only == null ? new Reading(stored, body) : null) {
            List<String> names = only == null ? reading.names : only.names;
            int sliceRows = sliceRows(model);
            Chunk chunk = only == null ? reading.next() : only;
            chunk.predict(model, sliceRows);
            if (chunk.error != null) {
                throw new InvalidRequestException(chunk.error.field, chunk.error.message);
            }
            CSVPrinter printer = new CSVPrinter(
                    output.get(),
                    CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get());
            printer.printRecord(names);
            while (true) {
                chunk.write(printer);
                if (chunk.error != null) {
                    printer.flush();
                    throw new ResponseCutShortException("CSV prediction for model " + stored.id()
                            + " stopped after the response started: " + chunk.error.field + " " + chunk.error.message);
                }
                if (reading == null || !reading.hasNext()) {
                    break;
                }
                chunk = reading.next();
                if (chunk.error != null) {
                    // checked before: the body changed between the readings, which only a bug can do
                    throw new IllegalStateException("CSV body read differently the second time: " + chunk.error);
                }
                chunk.predict(model, sliceRows);
            }
            printer.flush();
        }
        return null;
    }

    /** Rows of one forward pass: a wide model does not hold a chunk's activations of every layer at once. */
    private static int sliceRows(Model model) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, SLICE_BYTES / bytesPerRow(model)));
    }

    /** Working memory of one row's forward pass, as the JSON path estimates it ({@link MemoryEstimate#prediction}). */
    private static long bytesPerRow(Model model) {
        return Math.max(1, MemoryEstimate.prediction(model.layerSizes(), 1));
    }

    /** One of the body's readings. */
    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * Runs a reading, turning what the parser and reader report while iterating into a 400 before
     * the answer started ({@code output} null or not yet opened), or a cut-short answer after.
     */
    private static <T> T readingAll(StoredModel stored, Step<T> step, Supplier<Writer> output) throws IOException {
        try {
            return step.run();
        } catch (UncheckedIOException e) {
            // commons-csv reports broken quoting, and the reader a line that is too long or bytes that
            // are not text, while iterating; all were met in the checking reading, so after it this is
            // only a failure to write the answer
            String problem = e.getCause() instanceof LineBoundedReader.LineTooLongException tooLong
                    ? tooLong.getMessage()
                    : e.getCause() instanceof CharacterCodingException
                            ? StrictText.PROBLEM
                            : "is not valid CSV: "
                                    + (e.getCause() != null && e.getCause().getMessage() != null
                                            ? e.getCause().getMessage()
                                            : e.getMessage());
            if (output != null) {
                throw new ResponseCutShortException(
                        "CSV prediction for model " + stored.id() + " stopped after the response started: " + problem);
            }
            throw new InvalidRequestException("body", problem);
        } catch (LineBoundedReader.LineTooLongException e) {
            // the header line, read while the parser is built
            throw new InvalidRequestException("body", e.getMessage());
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("body", StrictText.PROBLEM);
        }
    }

    /** The parser over one reading of the body, its header, and the chunks after it. */
    private static final class Reading implements AutoCloseable {

        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private final List<String> header;
        private final int[] source;
        private final List<String> names = new ArrayList<>();
        private final int chunkRows;

        Reading(StoredModel stored, Reader body) throws IOException {
            Model model = stored.model();
            int width = model.inputWidth();
            parser = CSVParser.builder()
                    .setReader(new LineBoundedReader(ByteOrderMark.skipped(body), MAX_LINE_CHARS))
                    .setFormat(FORMAT)
                    .get();
            records = parser.iterator();
            if (!records.hasNext()) {
                parser.close();
                throw new InvalidRequestException(
                        "body", "is empty; send a header row, then one row of " + width + " inputs per sample");
            }
            header = new ArrayList<>(records.next().stream().map(String::strip).toList());
            source = columns(header, stored.inputColumns(), width);
            for (int j : source) {
                names.add(header.get(j));
            }
            names.addAll(outputNames(stored.outputColumns(), model.outputWidth(), names));
            chunkRows = Math.max(MIN_CHUNK_ROWS, CHUNK_CELLS / width);
        }

        boolean hasNext() {
            return records.hasNext();
        }

        Chunk next() {
            Chunk chunk = Chunk.read(records, parser, header, source, chunkRows);
            chunk.names = names;
            return chunk;
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /**
     * Which header column feeds each model input: by name when the header has every one of the model's
     * input names ({@code known}), else in order, when the header has the model's width and none of its
     * names says otherwise.
     */
    private static int[] columns(List<String> cells, List<String> known, int width) {
        for (int c = 0; c < cells.size(); c++) {
            // As an upload's column names: the answer echoes the header (a 100,000-character name was).
            if (Names.tooLong(cells.get(c))) {
                throw new InvalidRequestException(
                        "line 1, column " + (c + 1),
                        "the name has " + Names.length(cells.get(c)) + " characters; column names are at most "
                                + Names.MAX_LENGTH);
            }
        }
        int[] source = new int[width];
        // Before the numbers-only rule below: a model trained on a file headed 0,1,2 has those names.
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
        String contradiction = known == null ? null : contradiction(cells, known);
        if (contradiction != null) {
            throw new InvalidRequestException("line 1", contradiction);
        }
        for (int i = 0; i < width; i++) {
            source[i] = i;
        }
        return source;
    }

    /**
     * Why a header of the model's width that lacks some input names cannot be taken in order, or null:
     * a column named like a model input other than the one its position feeds (exactly, or but for case,
     * so that {@code X2} in x1's place counts). Taken in order, {@code x2,x1,x3,x4,X5} fed x2's values to
     * input x1 and answered a different number without a word.
     */
    private static String contradiction(List<String> cells, List<String> known) {
        java.util.Map<String, Integer> exact = new java.util.HashMap<>();
        java.util.Map<String, Integer> folded = new java.util.HashMap<>();
        for (int i = 0; i < known.size(); i++) {
            exact.putIfAbsent(known.get(i), i);
            folded.putIfAbsent(fold(known.get(i)), i);
        }
        String first = null;
        int more = 0;
        for (int j = 0; j < cells.size(); j++) {
            String cell = cells.get(j);
            if (cell.equals(known.get(j))) {
                continue;
            }
            Integer named = exact.get(cell);
            if (named == null && !fold(cell).equals(fold(known.get(j)))) {
                named = folded.get(fold(cell));
            }
            if (named == null) {
                continue;
            }
            if (first == null) {
                first = "column " + (j + 1) + " is named '" + cell + "' but would be taken as input '" + known.get(j)
                        + "', and input '" + known.get(named) + "' from column " + (named + 1) + " ('"
                        + cells.get(named) + "')";
            } else {
                more++;
            }
        }
        if (first == null) {
            return null;
        }
        java.util.Set<String> present = new java.util.HashSet<>(cells);
        List<String> missing =
                known.stream().filter(name -> !present.contains(name)).toList();
        return first
                + (more == 0
                        ? ""
                        : " (and " + more + " more column" + (more == 1 ? "" : "s") + " named like another input)")
                + ": the header lacks " + (missing.size() == 1 ? "input " : "inputs ") + listed(missing)
                + ", so it would be taken in order, against its names; name every input (any order, other columns "
                + "ignored) or none of them";
    }

    /** Names compared but for case. */
    private static String fold(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** At most a few names, quoted: a message quotes what was sent, and a model may have 1,024 inputs. */
    private static String listed(List<String> names) {
        int shown = Math.min(names.size(), 5);
        String list = String.join(
                ", ", names.subList(0, shown).stream().map(n -> "'" + n + "'").toList());
        return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
    }

    /**
     * The output columns' names: the model's own, else {@code y} or {@code y0…}; a name the answer's
     * input columns already use gets {@code _predicted} appended (until it is unique), so that no
     * header of the answer repeats a name, which CSV readers and data frames refuse or rename.
     */
    private static List<String> outputNames(List<String> known, int outputs, List<String> inputs) {
        List<String> names = new ArrayList<>();
        java.util.Set<String> taken = new java.util.HashSet<>(inputs);
        for (int i = 0; i < outputs; i++) {
            String name = known != null && known.size() == outputs ? known.get(i) : outputs == 1 ? "y" : "y" + i;
            while (!taken.add(name)) {
                name = name + "_predicted";
            }
            names.add(name);
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
        /** The answer's header. */
        private List<String> names;

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
                    cells[i] = record.get(source[i]).strip();
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
