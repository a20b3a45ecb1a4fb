package io.trainyard.model;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.nn.MemoryEstimate;
import io.trainyard.nn.Model;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.RequestMemory;
import io.trainyard.system.StrictText;
import io.trainyard.system.TrainyardProperties;

/** Predictions for a stored model, shared by POST /models/{id}/predictions and POST /aliases/{name}/predictions. */
@Component
class Predictions {

    static final String CSV = "text/csv";

    /** Also read as CSV, as data set uploads read it: some clients and spreadsheet exports send this. */
    static final String APPLICATION_CSV = "application/csv";

    /** The request examples both prediction endpoints (by model and by alias) show in the OpenAPI document. */
    static final String EXAMPLE_NAME = "two rows of hw5";

    static final String JSON_EXAMPLE = "{\"x\": [[2.3, 45.2, -0.05, 0.87, 1.0], [7.7, 63.3, -0.69, 2.2, 1.0]]}";

    static final String CSV_EXAMPLE = """
            x1,x2,x3,x4,x5
            2.3,45.2,-0.05,0.87,1.0
            7.7,63.3,-0.69,2.2,1.0
            """;

    /** The operation descriptions both controllers show in Swagger. */
    static final String JSON_DESCRIPTION = "Applies the model's stored preprocessing to the raw inputs `x` (one row "
            + "per sample, as many columns as the model's raw inputs) and returns the outputs `y`. A row whose "
            + "prediction overflows (not a finite number) is a 400 naming the row.";

    static final String CSV_DESCRIPTION = "Streams predictions for a CSV body (`Content-Type: text/csv` or "
            + "`application/csv`): a header row, then one row per sample (at least one). Columns are matched by the "
            + "model's input column names when the header has them all (any order, other columns ignored), else "
            + "taken in order when the header has as many columns as the model has inputs and none is named "
            + "(exactly, or but for case) like another input than the one its position feeds (such a header is a "
            + "400 naming the column and the missing inputs). Header names are at most 200 characters. The answer "
            + "(`text/csv`) has the input columns and one column per output (an output name that an input column "
            + "already uses gets `_predicted` appended). Every row is checked before anything is predicted or "
            + "written: a bad header, a header without rows, a ragged row, a cell that is not a finite number, or a "
            + "body over the limits a JSON request of the same rows has (`trainyard.limits.max-data-cells`, and the "
            + "rows whose prediction at once would fit `trainyard.limits.max-job-memory`) is a 400 naming the line "
            + "(and column) or the limit. Rows are then predicted and written a chunk at a time (65,536 numbers). A "
            + "row whose prediction is not a finite number is a 400 in the first chunk; in a later chunk the answer "
            + "has already started, so it is cut off (the connection closes without ending the body) instead of "
            + "ending as if complete.";

    private final long maxDataCells;
    private final long maxMemory;

    private final RequestMemory memory;

    Predictions(TrainyardProperties properties, RequestMemory memory) {
        this.maxDataCells = properties.limits().maxDataCells();
        this.maxMemory = properties.limits().maxJobMemoryBytes();
        this.memory = memory;
    }

    @Schema(name = "PredictionRequest")
    record PredictionRequest(
            @Schema(description = "Raw inputs, one row per sample")
            double[][] x) {}

    @Schema(name = "PredictionResponse")
    record PredictionResponse(
            @Schema(description = "Outputs, one row per sample")
            double[][] y) {}

    private static long mebibytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    PredictionResponse json(Model model, PredictionRequest request) {
        double[][] x = request == null ? null : request.x();
        List<FieldError> errors = new ArrayList<>();
        if (x == null) {
            throw new InvalidRequestException("x", "is required: an array of input rows, e.g. [[1.0, 2.0]]");
        }
        if (x.length == 0) {
            // x was given: "is required" had the client looking for a typo in its name.
            throw new InvalidRequestException("x", "must hold at least one input row, e.g. [[1.0, 2.0]]; it is empty");
        }
        long cells = (long) x.length * Math.max(1, x[0] == null ? 1 : x[0].length);
        if (cells > maxDataCells) {
            throw new InvalidRequestException(
                    "x",
                    "has " + cells + " numbers (" + x.length + " rows of " + (cells / x.length)
                            + "), more than the limit " + maxDataCells + " (trainyard.limits.max-data-cells);"
                            + " send fewer rows per request");
        }
        // Estimated from the shapes before the model allocates anything: 200,000 rows through a
        // 1,024-wide layer are gigabytes, and must be a 400, not an OutOfMemoryError.
        long estimate = MemoryEstimate.prediction(model.layerSizes(), x.length);
        if (estimate > maxMemory) {
            throw new InvalidRequestException(
                    "x",
                    x.length + " rows through layers "
                            + java.util.Arrays.toString(model.layerSizes()) + " need about "
                            + mebibytes(estimate)
                            + " MiB of working memory, more than the limit " + mebibytes(maxMemory)
                            + " MiB (trainyard.limits.max-job-memory); send fewer rows per request");
        }
        for (int r = 0; r < x.length && errors.isEmpty(); r++) {
            if (x[r] == null || x[r].length != model.inputWidth()) {
                errors.add(new FieldError(
                        "x[" + r + "]",
                        "has " + (x[r] == null ? 0 : x[r].length) + " columns but the model expects "
                                + model.inputWidth()));
                break;
            }
            for (int c = 0; c < x[r].length; c++) {
                if (!Double.isFinite(x[r][c])) {
                    errors.add(new FieldError("x[" + r + "][" + c + "]", "must be a finite number, got " + x[r][c]));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        // Checked alone above; with the others being answered now, from the shared budget: twice the
        // estimate, since the answer's rows and their text come on top of the working memory.
        memory.reserve(2 * estimate, "a prediction of " + x.length + " rows", "send fewer rows per request");
        double[][] y = model.predict(new Array2DRowRealMatrix(x, false)).getData();
        // Finite inputs can still overflow a model (an imported one with large weights, or inputs far
        // from its training data); JSON has no number for that, and the answer must not pretend.
        for (int r = 0; r < y.length; r++) {
            for (double v : y[r]) {
                if (!Double.isFinite(v)) {
                    throw new InvalidRequestException(
                            "x[" + r + "]",
                            "the model's prediction for this row is not a finite number (" + v
                                    + "): the inputs are far outside what the model's weights can handle");
                }
            }
        }
        return new PredictionResponse(y);
    }

    void csv(StoredModel stored, HttpServletRequest request, HttpServletResponse response) throws IOException {
        // As for a data set upload: the charset the Content-Type names (Spring has already refused an
        // unknown one with a 415), else UTF-8. A Latin-1 header must still match the model's column names.
        // Read from the header itself: Spring Boot's CharacterEncodingFilter forces the request's own
        // encoding to UTF-8.
        Charset charset = MediaType.parseMediaType(request.getHeader(HttpHeaders.CONTENT_TYPE))
                .getCharset();
        if (charset == null) {
            charset = StandardCharsets.UTF_8;
        }
        // The body is held as bytes (the request size limit bounds it, and LargeBodyGate has reserved
        // memory for it): every row is checked, and counted against the limits, before anything is
        // predicted or written, and only then read again to answer.
        byte[] body = request.getInputStream().readAllBytes();
        Charset bodyCharset = charset;
        CsvPredictions.predict(
                stored,
                () -> StrictText.reader(new java.io.ByteArrayInputStream(body), bodyCharset),
                new CsvPredictions.Bounds(maxDataCells, maxMemory),
                () -> {
                    response.setStatus(200);
                    response.setContentType(CSV + ";charset=UTF-8");
                    try {
                        Writer writer = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
                        return new java.io.BufferedWriter(writer, 1 << 16);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
