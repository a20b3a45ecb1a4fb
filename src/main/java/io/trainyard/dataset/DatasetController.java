package io.trainyard.dataset;

import java.io.StringReader;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.Explode;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.trainyard.security.Caller;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.Names;
import io.trainyard.system.PageCursor;
import io.trainyard.system.StoresData;
import io.trainyard.system.StrictText;

/** The data sets jobs can train on: the built-in ones and the ones users upload. */
@RestController
@RequestMapping(path = "/datasets", produces = "application/json")
@Tag(name = "Datasets", description = "Built-in and uploaded training data")
class DatasetController {

    static final String CSV_UPLOAD = """
            A header row of distinct column names, then one row of numbers per sample. The targets are the \
            columns named in `target` (default: the last column); every other column is an input. With \
            `testFraction` that share of the rows goes to the test set, chosen by a shuffle seeded with `seed` \
            (default 0, so the same file always splits the same way). Answers 201 with Location.

            A bad file is a 400 whose `detail` names the line and column to fix: a cell that is not a number, \
            NaN or Infinity, a row with too few or too many cells, an unknown target column, a column name \
            longer than 200 characters or holding a NUL, an empty file, or no rows left for training. More than \
            `trainyard.limits.max-data-cells` numbers is a 400 too, and a body over \
            `trainyard.limits.max-request-size` a 413.""";

    static final String JSON_UPLOAD = "The same shape as a job's inline `data`: "
            + "`x` (rows of inputs), `y` (rows of targets, or a flat array for one output), optionally `testX` and "
            + "`testY` (and `validationX`/`validationY`). Checked like inline job data: rectangular, finite, matching "
            + "row counts. Answers 201 with Location; the columns are named x1…xd and y (or y1…yk). `testFraction`, "
            + "`validationFraction` and `seed` split the rows as for a CSV upload (not together with `testX` or "
            + "`validationX` in the body).";

    static final String JSON_EXAMPLE_NAME = "quadratic";

    static final String JSON_EXAMPLE = """
            {"name": "quadratic", "x": [[0], [1], [2], [3]], "y": [1, 2, 5, 10],
             "testX": [[4]], "testY": [17]}""";

    private final DatasetCatalog catalog;

    DatasetController(DatasetCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    @Operation(
            operationId = "listDatasets",
            summary = "List data sets",
            description = "Built-in data sets (at least `hw5`) first, then "
                    + "uploaded ones, newest first. Each item describes the shape and columns, not the numbers. "
                    + "At most `limit` uploads per page: pass `nextCursor` back as `cursor` for the next one.")
    DatasetList list(
            @io.swagger.v3.oas.annotations.Parameter(
                            description = "Only this owner's uploads (admin keys; "
                                    + "a user key lists its own, and naming another owner is a 400; names match in any case); built-in data "
                                    + "sets are always listed")
                    @org.springframework.web.bind.annotation.RequestParam(required = false)
                    String owner,
            // Every upload in one answer grew without bound with the number of uploads (each with up to
            // 2,048 column names): a page, as for jobs, models and sweeps, with a default large enough
            // that a list which used to come whole still does.
            @Parameter(description = "Uploads per page, 1 to 500") @RequestParam(defaultValue = "500") @Min(1) @Max(500)
                    int limit,
            @Parameter(description = "nextCursor of the previous page of this list, with the same filters")
                    @RequestParam(required = false)
                    String cursor) {
        PageCursor.Page<DatasetInfo> page = catalog.list(owner, cursor, limit);
        return new DatasetList(page.items().stream().map(DatasetResponse::from).toList(), page.nextCursor());
    }

    @GetMapping("/{id}")
    @Operation(
            operationId = "getDataset",
            summary = "Describe one data set",
            description = "Shape and column names of the data set; " + "404 when no data set has this id.")
    DatasetResponse get(@PathVariable String id) {
        // Metadata only: answering a GET never decodes the numbers.
        return DatasetResponse.from(catalog.info(id));
    }

    @PostMapping(consumes = {"text/csv", "application/csv"})
    @StoresData
    @Operation(
            operationId = "uploadDatasetCsv",
            summary = "Upload a CSV file",
            description = CSV_UPLOAD,
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "text/csv",
                                            examples =
                                                    @ExampleObject(
                                                            name = "two inputs, one target",
                                                            value =
                                                                    "size,rooms,price\n50,2,210\n72,3,305\n95,4,410\n41,1,180\n"))))
    @ApiResponse(responseCode = "201", description = "Stored; Location names the data set")
    @ApiResponse(
            responseCode = "400",
            description = "The file or a parameter is invalid; `detail` says where",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "413",
            description = "The body is over trainyard.limits.max-request-size",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<DatasetResponse> uploadCsv(
            @RequestBody(required = false) byte[] body,
            @Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
            @Parameter(description = "A label for people, at most 200 characters. Default: \"CSV upload\" and the time")
                    @RequestParam(required = false)
                    String name,
            @Parameter(
                            description = "Target column names, comma-separated. Default: the last column",
                            explode = Explode.FALSE,
                            array = @ArraySchema(schema = @Schema(type = "string", example = "price")))
                    @RequestParam(required = false)
                    List<String> target,
            @Parameter(description = "Share of the rows moved to the test set, in [0, 1). Default 0", example = "0.2")
                    @RequestParam(defaultValue = "0")
                    double testFraction,
            @Parameter(
                            description = "Share of the rows left after the test split moved to the data set's own "
                                    + "validation part, in [0, 1), by a shuffle from an independent stream of `seed`. Jobs on the "
                                    + "data set then validate on these rows. Default 0",
                            example = "0.2")
                    @RequestParam(defaultValue = "0")
                    double validationFraction,
            @Parameter(description = "Seed of the shuffle that picks the test rows. Default 0", example = "1")
                    @RequestParam(defaultValue = "0")
                    long seed) {
        String label = name(name, "CSV upload");
        Charset charset = contentType.getCharset() == null ? StandardCharsets.UTF_8 : contentType.getCharset();
        String text = body == null ? "" : StrictText.decode(body, charset, "file");
        Dataset dataset = catalog.uploadCsv(
                label,
                new StringReader(text),
                target == null ? List.of() : target,
                testFraction,
                validationFraction,
                seed);
        return created(dataset);
    }

    @PostMapping(consumes = "application/json")
    @StoresData
    @Operation(
            operationId = "uploadDataset",
            summary = "Upload a data set as JSON",
            description = JSON_UPLOAD,
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            examples = @ExampleObject(name = JSON_EXAMPLE_NAME, value = JSON_EXAMPLE))))
    @ApiResponse(responseCode = "201", description = "Stored; Location names the data set")
    @ApiResponse(
            responseCode = "400",
            description = "The data is invalid; `errors` lists every field to fix",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<DatasetResponse> uploadJson(
            @RequestBody UploadDatasetRequest request,
            // Documented with the CSV upload, one operation for both: the label may come either way.
            @Parameter(hidden = true) @RequestParam(required = false) String name,
            @Parameter(hidden = true) @RequestParam(required = false) List<String> target,
            @Parameter(hidden = true) @RequestParam(defaultValue = "0") double testFraction,
            @Parameter(hidden = true) @RequestParam(defaultValue = "0") double validationFraction,
            @Parameter(hidden = true) @RequestParam(defaultValue = "0") long seed) {
        if (request == null) {
            throw new InvalidRequestException(
                    "body", "send a JSON object such as {\"name\": \"d\", \"x\": [[1], [2]], " + "\"y\": [3, 5]}");
        }
        List<FieldError> errors = new ArrayList<>();
        // The query parameters of a CSV upload were ignored here without a word: ?testFraction=0.2 stored
        // no test rows. The splits are honoured as for CSV; a target has no meaning when y is given.
        if (target != null) {
            errors.add(new FieldError("target", "applies to CSV uploads only; in JSON the targets are the rows of y"));
        }
        if (testFraction != 0 && request.testX() != null) {
            errors.add(new FieldError(
                    "testFraction", "the body brings testX and testY; give either those or testFraction"));
        }
        if (validationFraction != 0 && request.validationX() != null) {
            errors.add(new FieldError(
                    "validationFraction",
                    "the body brings validationX and validationY; give either those or validationFraction"));
        }
        // ?name= was refused as no parameter of this endpoint, though the document has it for the operation.
        if (name != null && request.name() != null) {
            errors.add(new FieldError("name", "is given both in the body and as ?name=; give it once"));
        }
        String label = request.name() != null ? request.name() : name;
        Names.check(label, errors);
        DataTables.Table table = DataTables.check(
                request.x(),
                request.y(),
                request.testX(),
                request.testY(),
                request.validationX(),
                request.validationY(),
                "",
                errors,
                catalog.maxCells());
        if (table != null) {
            int inputs = table.x()[0].length;
            String tooWide = DataTables.widthProblem(inputs, table.y()[0].length, catalog.maxWidth());
            if (tooWide != null) {
                errors.add(new FieldError(inputs > catalog.maxWidth() ? "x" : "y", tooWide));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return created(catalog.upload(name(label, "JSON upload"), table, testFraction, validationFraction, seed));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "deleteDataset",
            summary = "Delete an uploaded data set",
            description = "204 once deleted. 409 while a queued or "
                    + "running job trains on it (cancel those jobs or wait), and for built-in data sets. Finished jobs and "
                    + "their models stay.")
    @ApiResponse(
            responseCode = "409",
            description = "In use by a queued or running job, or built in",
            content = @Content(mediaType = "application/problem+json"))
    void delete(@PathVariable String id) {
        catalog.delete(id);
    }

    private static String name(String given, String kind) {
        if (given == null || given.isBlank()) {
            return kind + " " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        List<FieldError> errors = new ArrayList<>();
        Names.check(given, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return given;
    }

    private static ResponseEntity<DatasetResponse> created(Dataset dataset) {
        return ResponseEntity.created(URI.create("/datasets/" + dataset.id()))
                .body(DatasetResponse.from(
                        dataset.info().ownedBy(Caller.current().name())));
    }

    record DatasetList(List<DatasetResponse> items, String nextCursor) {}
}
