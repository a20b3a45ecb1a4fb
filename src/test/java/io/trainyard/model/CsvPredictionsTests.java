package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.junit.jupiter.api.Test;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.ResponseCutShortException;

/** CSV predictions read a file the way a data set upload reads it, and never answer a non-number. */
class CsvPredictionsTests {

    /** y = 2·a − b + 0.5, inputs named a and b. */
    private static StoredModel linear(double scale) {
        Network network = Network.of(
                new int[] {2, 1},
                Activation.NONE,
                List.of(new Array2DRowRealMatrix(new double[][] {{2.0 * scale}, {-1.0 * scale}})),
                List.of(new ArrayRealVector(new double[] {0.5})));
        return new StoredModel(
                "m",
                null,
                Instant.EPOCH,
                new Model(network, Preprocessing.of(1, null, null)),
                null,
                null,
                null,
                List.of("a", "b"),
                List.of("y"));
    }

    /** The same model without input or output names. */
    private static StoredModel unnamed() {
        return new StoredModel("m", null, Instant.EPOCH, linear(1).model(), null, null, null, null, null);
    }

    private static final CsvPredictions.Bounds UNBOUNDED = new CsvPredictions.Bounds(Long.MAX_VALUE, Long.MAX_VALUE);

    private static String predict(StoredModel model, String csv) throws IOException {
        return predict(model, csv, UNBOUNDED);
    }

    private static String predict(StoredModel model, String csv, CsvPredictions.Bounds bounds) throws IOException {
        StringWriter out = new StringWriter();
        CsvPredictions.predict(model, () -> new StringReader(csv), bounds, () -> out);
        return out.toString();
    }

    private static InvalidRequestException refused(StoredModel model, String csv) {
        return catchThrowableOfType(InvalidRequestException.class, () -> predict(model, csv));
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsNotPartOfTheFirstName() throws IOException {
        // the training file itself, target column included, as a spreadsheet program saves it
        assertThat(predict(linear(1), "\uFEFFa,b,y\n1,2,9\n")).isEqualTo("a,b,y\n1,2,0.5\n");
    }

    @Test
    void aByteOrderMarkBeforeAQuotedFirstNameLeavesNoQuotesInIt() throws IOException {
        // as R's write.csv with fileEncoding="UTF-8-BOM", or pandas with QUOTE_ALL and utf-8-sig, save it
        assertThat(predict(linear(1), "\uFEFF\"a\",\"b\",\"y\"\r\n1,2,9\r\n")).isEqualTo("a,b,y\n1,2,0.5\n");
        // taken in order, the echoed name carries no quotes either
        assertThat(predict(unnamed(), "\uFEFF\"p\",q\n1,2\n")).isEqualTo("p,q,y\n1,2,0.5\n");
    }

    @Test
    void aHeaderNamingInputsAtOtherPositionsThanTheirsIsRefusedNotTakenInOrder() {
        // Taken in order, "b" would feed input a and "A" input b: a different number without a word.
        InvalidRequestException swapped = refused(linear(1), "b,A\n1,2\n");

        assertThat(swapped.errors().get(0).field()).isEqualTo("line 1");
        assertThat(swapped.errors().get(0).message())
                .contains("column 1 is named 'b' but would be taken as input 'a'")
                .contains("input 'b' from column 2 ('A')")
                .contains("1 more column")
                .contains("lacks input 'a'");
        // but for case counts too: B in a's place
        assertThat(refused(linear(1), "B,q\n1,2\n").getMessage())
                .contains("column 1 is named 'B' but would be taken as input 'a'")
                .contains("lacks inputs 'a', 'b'");
    }

    @Test
    void aHeaderWhoseNamesAgreeWithTheirPositionsOrNameNoInputIsTakenInOrder() throws IOException {
        assertThat(predict(linear(1), "A,B\n1,2\n")).isEqualTo("A,B,y\n1,2,0.5\n");
        assertThat(predict(linear(1), "a,q\n1,2\n")).isEqualTo("a,q,y\n1,2,0.5\n");
        assertThat(predict(linear(1), "p,q\n1,2\n")).isEqualTo("p,q,y\n1,2,0.5\n");
    }

    @Test
    void numericColumnNamesAreAHeaderWhenTheyAreTheModelsInputNames() throws IOException {
        StoredModel numbered = new StoredModel(
                "m", null, Instant.EPOCH, linear(1).model(), null, null, null, List.of("0", "1"), List.of("2"));

        // the training file itself, target column included
        assertThat(predict(numbered, "0,1,2\n1,2,9\n")).isEqualTo("0,1,2\n1,2,0.5\n");
        assertThat(predict(numbered, "1,0\n2,1\n")).isEqualTo("0,1,2\n1,2,0.5\n");
        // numbers that are not the model's names: a first data row without a header, as before
        assertThat(refused(numbered, "5,6\n1,2\n").getMessage())
                .contains("line 1")
                .contains("holds only numbers")
                .contains("0,1");
    }

    @Test
    void aHeaderWithoutDataRowsIsRefusedAsAnUploadRefusesIt() {
        for (String csv : List.of("a,b\n", "a,b", "a,b\n\n\n")) {
            InvalidRequestException empty = refused(linear(1), csv);
            assertThat(empty.errors().get(0).field()).as(csv).isEqualTo("line 2");
            assertThat(empty.errors().get(0).message()).as(csv).contains("header but no data rows");
        }
    }

    @Test
    void headerNamesAreAtMostWhatAnUploadTakes() throws IOException {
        String longest = "n".repeat(200);
        assertThat(predict(unnamed(), longest + ",b\n1,2\n")).isEqualTo(longest + ",b,y\n1,2,0.5\n");

        InvalidRequestException tooLong = refused(linear(1), "a,b," + longest + "n\n1,2,3\n");

        assertThat(tooLong.errors().get(0).field()).isEqualTo("line 1, column 3");
        assertThat(tooLong.errors().get(0).message()).contains("201 characters").contains("at most 200");
        // also a column the answer leaves out, and before any other rule about the header
        assertThat(refused(unnamed(), "1".repeat(100_000) + ",2\n1,2\n")
                        .errors()
                        .get(0)
                        .field())
                .isEqualTo("line 1, column 1");
    }

    @Test
    void aHeaderThatRepeatsAnInputsNameIsAmbiguous() {
        assertThat(refused(linear(1), "a,b,a\n1,2,3\n").getMessage())
                .contains("line 1")
                .contains("'a' more than once");
    }

    @Test
    void badRowsAreNamedByTheLineAnEditorShows() {
        InvalidRequestException afterBlankLines = refused(linear(1), "a,b\n\n1,2\n\n\n3,x\n");
        assertThat(afterBlankLines.getMessage()).contains("line 6, column 2 (b)");

        InvalidRequestException afterAQuotedLineBreak = refused(linear(1), "a,b\n\"1\n\",2\n3\n");
        assertThat(afterAQuotedLineBreak.getMessage()).contains("line 4");
    }

    @Test
    void cellsAreNumbersOnlyWhenADataSetUploadWouldTakeThem() {
        for (String cell : List.of("1d", "2f", "0x1p3", "NaN", "Infinity", "1e400", " ", "2\u0000", "\u00012")) {
            assertThat(refused(linear(1), "a,b\n1," + cell + "\n").getMessage())
                    .as(cell)
                    .contains("line 2, column 2 (b)");
        }
    }

    @Test
    void whitespaceAroundACellQuotedOrNotIsNoPartOfIt() throws IOException {
        assertThat(predict(linear(1), " a ,\"b\t\"\n 1 ,\" 2 \"\n")).isEqualTo("a,b,y\n1,2,0.5\n");
    }

    @Test
    void aLineLongerThanAnyRowOfNumbersIsRefusedBeforeItIsHeld() {
        String longLine = "1," + "1".repeat(CsvPredictions.MAX_LINE_CHARS);

        assertThat(refused(linear(1), "a,b\n" + longLine + "\n").getMessage())
                .contains("line 2")
                .contains("longer than");
        assertThat(refused(linear(1), longLine + "\n").getMessage()).contains("line 1");
    }

    @Test
    void aBadRowInAnyChunkIsA400BeforeAnythingIsWritten() {
        StringBuilder csv = new StringBuilder("a,b\n");
        int rows = 3 * CsvPredictions.CHUNK_CELLS / 2; // three chunks of two-column rows
        for (int r = 0; r < rows; r++) {
            csv.append(r == rows - 1 ? "x" : "0").append(",0\n");
        }
        StringWriter out = new StringWriter();

        InvalidRequestException refused = catchThrowableOfType(
                InvalidRequestException.class,
                () -> CsvPredictions.predict(linear(1), () -> new StringReader(csv.toString()), UNBOUNDED, () -> out));

        assertThat(refused.getMessage()).contains("line " + (rows + 1) + ", column 1 (a)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBodyOverTheCellsOrRowsAJsonRequestMayHoldIsA400BeforeAnythingIsPredicted() throws IOException {
        StringBuilder csv = new StringBuilder("a,b\n");
        for (int r = 0; r < 1000; r++) {
            csv.append(r).append(",1\n");
        }
        // 2,000 numbers: the header's columns count, as a JSON request's would
        assertThat(predict(linear(1), csv.toString(), new CsvPredictions.Bounds(2000, Long.MAX_VALUE)))
                .startsWith("a,b,y\n");
        assertThat(catchThrowableOfType(
                                InvalidRequestException.class,
                                () -> predict(
                                        linear(1), csv.toString(), new CsvPredictions.Bounds(1999, Long.MAX_VALUE)))
                        .getMessage())
                .contains("more than 1999 numbers")
                .contains("trainyard.limits.max-data-cells");
        // rows through layers [2, 1]: 16 bytes a unit, 48 a row, as the JSON path estimates them
        long perRow = io.trainyard.nn.MemoryEstimate.prediction(new int[] {2, 1}, 1);
        assertThat(predict(linear(1), csv.toString(), new CsvPredictions.Bounds(Long.MAX_VALUE, 1000 * perRow)))
                .endsWith("999,1,1997.5\n");
        assertThat(catchThrowableOfType(
                                InvalidRequestException.class,
                                () -> predict(
                                        linear(1),
                                        csv.toString(),
                                        new CsvPredictions.Bounds(Long.MAX_VALUE, 1000 * perRow - 1)))
                        .getMessage())
                .contains("more than 999 rows")
                .contains("trainyard.limits.max-job-memory");
    }

    @Test
    void anOutputNameThatAnInputColumnUsesIsMadeUnique() throws IOException {
        StoredModel unnamed =
                new StoredModel("m", null, Instant.EPOCH, linear(1).model(), null, null, null, null, null);

        assertThat(predict(unnamed, "y,y_predicted\n1,2\n"))
                .isEqualTo("y,y_predicted,y_predicted_predicted\n1,2,0.5\n");
    }

    @Test
    void aPredictionThatOverflowsIsA400NamingItsLineNotTheWordInfinity() {
        InvalidRequestException overflow = refused(linear(1e300), "a,b\n0,0\n1e10,0\n");

        assertThat(overflow.getMessage()).contains("line 3").contains("not a finite number");
    }

    @Test
    void anOverflowAfterTheAnswerStartedCutsItShortAfterTheGoodRows() {
        StringBuilder csv = new StringBuilder("a,b\n");
        int rows = CsvPredictions.CHUNK_CELLS; // two chunks of two-column rows
        for (int r = 0; r < rows; r++) {
            csv.append(r == rows - 1 ? "1e10" : "0").append(",0\n");
        }
        StringWriter out = new StringWriter();

        assertThatThrownBy(() -> CsvPredictions.predict(
                        linear(1e300), () -> new StringReader(csv.toString()), UNBOUNDED, () -> out))
                .isInstanceOf(ResponseCutShortException.class)
                .hasMessageContaining("line " + (rows + 1));
        assertThat(out.toString()).doesNotContain("Infinity");
        assertThat(out.toString().lines().count()).isEqualTo(rows); // the header and every good row
    }

    @Test
    void aWideModelIsPredictedInSlicesWithTheSameNumbers() throws IOException {
        // 1 input → 1,024 → 1: a chunk of 65,536 rows would need about a gigabyte at once
        int width = 1024;
        double[][] w0 = new double[1][width];
        double[][] w1 = new double[width][1];
        for (int j = 0; j < width; j++) {
            w0[0][j] = (j % 7 - 3) / 10.0;
            w1[j][0] = (j % 5 - 2) / 100.0;
        }
        Model model = new Model(
                Network.of(
                        new int[] {1, width, 1},
                        Activation.TANH,
                        List.of(new Array2DRowRealMatrix(w0), new Array2DRowRealMatrix(w1)),
                        null),
                Preprocessing.of(1, null, null));
        StoredModel stored = new StoredModel("wide", null, Instant.EPOCH, model, null, null, null, null, null);
        int rows = 3000;
        StringBuilder csv = new StringBuilder("x\n");
        double[][] x = new double[rows][1];
        for (int r = 0; r < rows; r++) {
            x[r][0] = r / 1000.0;
            csv.append(x[r][0]).append('\n');
        }

        List<String> lines = predict(stored, csv.toString()).lines().toList();

        double[][] expected = model.predict(new Array2DRowRealMatrix(x)).getData();
        assertThat(lines).hasSize(rows + 1);
        for (int r = 0; r < rows; r++) {
            double got = Double.parseDouble(lines.get(r + 1).split(",")[1]);
            assertThat(got).as("row " + r).isCloseTo(expected[r][0], within(1e-12));
        }
    }
}
