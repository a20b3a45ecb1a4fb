package io.trainyard.history;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.NativeWebRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.trainyard.job.FinishedJobs;
import io.trainyard.job.JobStatus;
import io.trainyard.job.TrainingJob;
import io.trainyard.system.InvalidRequestException;

import tools.jackson.databind.json.JsonMapper;

/**
 * A job's loss and gradient-norm history as JSON columns, CSV, or a PNG/SVG plot; and the
 * comparison plot of several jobs. The representation comes from Spring's content negotiation
 * ({@code format} parameter, else {@code Accept}).
 */
@RestController
@RequestMapping("/jobs")
@Tag(name = "Jobs")
class HistoryController {

    /** Plots never draw more points than this: a screen has fewer pixels. */
    private static final int PLOT_POINTS = 2000;

    private static final int MAX_COMPARED = 20;
    static final String RESOLUTION_HEADER = "Trainyard-History-Resolution";
    private static final String DIVERGED_AT = "diverged at iteration ";

    /**
     * The losses CSV's header: the JSON answer's column names, so that a client reads either by the same
     * names (it said {@code train_mse} where the JSON says {@code trainMse}).
     */
    static final List<String> LOSS_COLUMNS =
            List.of("iteration", "train", "validation", "test", "trainMse", "validationMse", "testMse");

    private final FinishedJobs finished;
    private final HistoryService histories;
    private final FinishedHistories answers;
    private final PlotRenderer plots;
    private final ContentNegotiationManager negotiation;
    private final JsonMapper json;

    HistoryController(
            FinishedJobs finished,
            HistoryService histories,
            FinishedHistories answers,
            PlotRenderer plots,
            ContentNegotiationManager negotiation,
            JsonMapper json) {
        this.finished = finished;
        this.histories = histories;
        this.answers = answers;
        this.plots = plots;
        this.negotiation = negotiation;
        this.json = json;
    }

    @GetMapping(
            path = "/{id}/losses",
            produces = {"application/json", "text/csv", "image/png", "image/svg+xml"})
    @Operation(
            operationId = "getJobLosses",
            summary = "Loss history",
            description = "Train, validation and test loss (SSE, and MSE = SSE / rows) "
                    + "of every history point, as equal-length columns; point i is measured after i updates. `since=I` returns "
                    + "only points after iteration I (incremental polling); `maxPoints=N` downsamples to N points keeping the "
                    + "first, the last, the highest and the lowest point of each loss curve present (train, validation, test: "
                    + "validation's lowest is early stopping's best) and the train curve's shape (largest-triangle-three-buckets "
                    + "on the log train loss). "
                    + "`Accept: text/csv` gives the same columns as CSV, under the JSON's names: the header is "
                    + "`iteration,train,validation,test,trainMse,validationMse,testMse`, every column is always there "
                    + "and a cell is empty where the JSON has null (a job without a validation or test set). "
                    + "`Accept: image/png` or `image/svg+xml` a plot of the "
                    + "train/validation/test curves (`log=false` for a linear axis). `format=json|csv|png|svg` overrides Accept. "
                    + "Every answer says `resolution` (also the `Trainyard-History-Resolution` header): `full`, or "
                    + "`coarse` once `trainyard.history.retention` has kept only the coarse level of a finished job.")
    @ApiResponse(
            responseCode = "200",
            description = "The loss columns as JSON or CSV, or their plot",
            content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = LossesResponse.class)),
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                @Content(mediaType = "image/svg+xml", schema = @Schema(type = "string"))
            })
    @ApiResponse(
            responseCode = "400",
            description = HistoryQuery.BAD_QUERY,
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> losses(@PathVariable String id, @ParameterObject HistoryQuery query, NativeWebRequest request)
            throws HttpMediaTypeNotAcceptableException {
        Representation representation = negotiate(request);
        TrainingJob job = finished.get(id);
        if (isCacheable(representation, job, query)) {
            return cached(job, FinishedHistories.Kind.LOSSES, query, () -> {
                JobHistory history = histories.read(job, query.sinceOrAll(), query.maxPoints(), true);
                return new FinishedHistories.Answer(
                        json.writeValueAsBytes(LossesResponse.from(id, history, job)), history.resolution());
            });
        }
        JobHistory history =
                histories.read(job, query.sinceOrAll(), pointsFor(representation, query.maxPoints()), true);
        LossesResponse losses = LossesResponse.from(id, history, job);
        ResponseEntity<?> response = switch (representation) {
            case JSON -> respond(representation, losses);
            case CSV ->
                respond(
                        representation,
                        csv(
                                LOSS_COLUMNS,
                                losses.iteration().length,
                                (printer, i) -> printer.printRecord(
                                        losses.iteration()[i],
                                        losses.train()[i],
                                        cell(losses.validation(), i),
                                        cell(losses.test(), i),
                                        cell(losses.trainMse(), i),
                                        cell(losses.validationMse(), i),
                                        cell(losses.testMse(), i))));
            case PNG, SVG ->
                plot(
                        representation,
                        chart(title("Loss", job), "loss (sum of squared errors)", query),
                        lossSeries(losses, divergedAt(job)),
                        losses.bestIteration() == null
                                ? List.of()
                                : List.of(new PlotRenderer.Guide(
                                        "best " + losses.bestIteration(), losses.bestIteration())));
        };
        return withResolution(response, history);
    }

    @GetMapping(
            path = "/{id}/gradients",
            produces = {"application/json", "text/csv", "image/png", "image/svg+xml"})
    @Operation(
            operationId = "getJobGradients",
            summary = "Gradient-norm history",
            description = "Frobenius norm of ∂loss/∂Wl for every layer at every "
                    + "history point — one line per layer, the picture of vanishing and exploding gradients. Same `since`, "
                    + "`maxPoints`, CSV and PNG/SVG options as the losses.")
    @ApiResponse(
            responseCode = "200",
            description = "The gradient-norm columns as JSON or CSV, or their plot",
            content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = GradientsResponse.class)),
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                @Content(mediaType = "image/svg+xml", schema = @Schema(type = "string"))
            })
    @ApiResponse(
            responseCode = "400",
            description = HistoryQuery.BAD_QUERY,
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> gradients(@PathVariable String id, @ParameterObject HistoryQuery query, NativeWebRequest request)
            throws HttpMediaTypeNotAcceptableException {
        Representation representation = negotiate(request);
        TrainingJob job = finished.get(id);
        if (isCacheable(representation, job, query)) {
            return cached(job, FinishedHistories.Kind.GRADIENTS, query, () -> {
                JobHistory history = histories.read(job, query.sinceOrAll(), query.maxPoints(), false);
                return new FinishedHistories.Answer(
                        json.writeValueAsBytes(
                                GradientsResponse.from(id, history, job.spec().alpha())),
                        history.resolution());
            });
        }
        JobHistory history =
                histories.read(job, query.sinceOrAll(), pointsFor(representation, query.maxPoints()), false);
        GradientsResponse gradients =
                GradientsResponse.from(id, history, job.spec().alpha());
        ResponseEntity<?> response = switch (representation) {
            case JSON -> respond(representation, gradients);
            case CSV -> {
                // The norms, then the update ratios (W0_updateRatio, …); empty where the JSON has null.
                List<String> header = new ArrayList<>();
                header.add("iteration");
                header.addAll(gradients.layers().keySet());
                gradients.updateRatios().keySet().forEach(layer -> header.add(layer + "_updateRatio"));
                List<Double[]> columns = new ArrayList<>(gradients.layers().values());
                List<Double[]> ratios = new ArrayList<>(gradients.updateRatios().values());
                yield respond(representation, csv(header, gradients.iteration().length, (printer, i) -> {
                    printer.print(gradients.iteration()[i]);
                    for (Double[] column : columns) {
                        printer.print(column[i]);
                    }
                    for (Double[] ratio : ratios) {
                        printer.print(ratio[i]);
                    }
                    printer.println();
                }));
            }
            case PNG, SVG -> {
                List<PlotRenderer.Series> series = new ArrayList<>();
                double[] x = toDoubles(gradients.iteration());
                Double diverged = divergedAt(job);
                // The stored norms: the plot marks where they stop being finite.
                for (int l = 0; l < history.gradientNorms().length; l++) {
                    series.add(new PlotRenderer.Series("W" + l, x, history.gradientNorms()[l], diverged));
                }
                yield plot(
                        representation, chart(title("Gradient norms", job), "‖∂loss/∂Wl‖ (Frobenius)", query), series);
            }
        };
        return withResolution(response, history);
    }

    /**
     * Whether the answer may come from (and go to) {@link FinishedHistories}: JSON, downsampled (so its
     * size is bounded whatever the history's length), of a job that has finished (so it no longer
     * changes).
     */
    private static boolean isCacheable(Representation representation, TrainingJob job, HistoryQuery query) {
        return representation == Representation.JSON
                && query.maxPoints() != null
                && job.status().isTerminal();
    }

    /** The JSON answer about a finished job's history, as {@link #respond} and {@link #withResolution} give it. */
    private ResponseEntity<?> cached(
            TrainingJob job, FinishedHistories.Kind kind, HistoryQuery query, Supplier<FinishedHistories.Answer> read) {
        FinishedHistories.Answer answer =
                answers.get(new FinishedHistories.Key(job.id(), kind, query.sinceOrAll(), query.maxPoints()), read);
        return ResponseEntity.ok()
                .contentType(Representation.JSON.mediaType())
                .header(RESOLUTION_HEADER, answer.resolution().id())
                .body(answer.json());
    }

    /** Says in a header, for every representation, whether the full history or only its coarse level is stored. */
    private static ResponseEntity<?> withResolution(ResponseEntity<?> response, JobHistory history) {
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(RESOLUTION_HEADER, history.resolution().id())
                .body(response.getBody());
    }

    @GetMapping(
            path = "/compare",
            produces = {"application/json", "text/csv", "image/png", "image/svg+xml"})
    @Operation(
            operationId = "compareJobLosses",
            summary = "Compare jobs",
            description = "One loss curve per job (up to 20) on one chart, like the "
                    + "homework's figure of several models: `ids=a,b,c`, `series=train|validation|test`. JSON gives the curves "
                    + "(downsampled to `maxPoints`, default 500), CSV one row per point of each curve (header "
                    + "`jobId,label,iteration,<series>`), PNG/SVG the plot.")
    @ApiResponse(
            responseCode = "200",
            description = "The curves as JSON or CSV, or their plot",
            content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = ComparisonResponse.class)),
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                @Content(mediaType = "image/svg+xml", schema = @Schema(type = "string"))
            })
    @ApiResponse(
            responseCode = "400",
            description =
                    "No ids or more than " + MAX_COMPARED + " distinct ones, a series other than train, validation "
                            + "or test; or: " + HistoryQuery.BAD_QUERY,
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "404",
            description = "One of the ids names no job this key may see",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> compare(
            @Parameter(description = "Comma-separated job ids") @RequestParam List<String> ids,
            @Parameter(description = "train, validation or test") @RequestParam(defaultValue = "test") String series,
            @Parameter(description = "Points per curve") @RequestParam(defaultValue = "500") @Min(2) @Max(100000)
                    int maxPoints,
            @Parameter(description = "json, csv, png or svg; overrides Accept") @RequestParam(required = false)
                    String format,
            @Parameter(description = "Plots: logarithmic loss axis") @RequestParam(defaultValue = "true") boolean log,
            @Parameter(description = "Plots: width in pixels, 200 to 4000" + HistoryQuery.PLOT_SIZE)
                    @RequestParam(defaultValue = "900")
                    @Min(200)
                    @Max(4000)
                    int width,
            @Parameter(description = "Plots: height in pixels, 150 to 4000" + HistoryQuery.PLOT_SIZE)
                    @RequestParam(defaultValue = "500")
                    @Min(150)
                    @Max(4000)
                    int height,
            NativeWebRequest request)
            throws HttpMediaTypeNotAcceptableException {
        Representation representation = negotiate(request);
        // Each id is a history read: the distinct ones are capped, before any is read.
        Set<String> distinct = new LinkedHashSet<>(
                ids.stream().map(String::trim).filter(id -> !id.isEmpty()).toList());
        if (distinct.isEmpty() || distinct.size() > MAX_COMPARED) {
            throw new InvalidRequestException(
                    "ids", "give between 1 and " + MAX_COMPARED + " distinct job ids, got " + distinct.size());
        }
        if (!List.of("train", "validation", "test").contains(series)) {
            throw new InvalidRequestException("series", "must be train, validation or test; got '" + series + "'");
        }
        List<ComparisonResponse.Curve> curves = new ArrayList<>();
        List<Double> divergences = new ArrayList<>();
        for (String id : distinct) {
            TrainingJob job = finished.get(id);
            divergences.add(divergedAt(job));
            LossesResponse losses = LossesResponse.from(job.id(), histories.read(job, -1, maxPoints, true), job);
            double[] values = switch (series) {
                case "train" -> losses.train();
                case "validation" -> losses.validation();
                default -> losses.test();
            };
            curves.add(new ComparisonResponse.Curve(job.id(), label(job), losses.iteration(), values));
        }
        ComparisonResponse comparison = new ComparisonResponse(series, curves);
        return switch (representation) {
            case JSON -> respond(representation, comparison);
            case CSV -> respond(representation, comparisonCsv(comparison));
            case PNG, SVG -> {
                List<PlotRenderer.Series> lines = new ArrayList<>();
                for (int i = 0; i < curves.size(); i++) {
                    ComparisonResponse.Curve curve = curves.get(i);
                    if (curve.values() != null) {
                        lines.add(new PlotRenderer.Series(
                                curve.label(), toDoubles(curve.iteration()), curve.values(), divergences.get(i)));
                    }
                }
                yield plot(
                        representation,
                        new PlotRenderer.Chart(
                                capitalised(series) + " loss of " + curves.size() + " jobs",
                                "iteration",
                                series + " loss (sum of squared errors)",
                                log,
                                width,
                                height),
                        lines);
            }
        };
    }

    private Representation negotiate(NativeWebRequest request) throws HttpMediaTypeNotAcceptableException {
        return Representation.of(negotiation.resolveMediaTypes(request));
    }

    /** Data goes out whole unless downsampling is asked for; a plot never draws more than a screen shows. */
    private static Integer pointsFor(Representation representation, Integer maxPoints) {
        if (!representation.isPlot()) {
            return maxPoints;
        }
        return maxPoints == null ? PLOT_POINTS : Math.min(maxPoints, PLOT_POINTS);
    }

    private static PlotRenderer.Chart chart(String title, String yLabel, HistoryQuery query) {
        return new PlotRenderer.Chart(
                title, "iteration", yLabel, query.logOrDefault(), query.widthOrDefault(), query.heightOrDefault());
    }

    private ResponseEntity<?> plot(
            Representation representation, PlotRenderer.Chart chart, List<PlotRenderer.Series> series) {
        return plot(representation, chart, series, List.of());
    }

    private ResponseEntity<?> plot(
            Representation representation,
            PlotRenderer.Chart chart,
            List<PlotRenderer.Series> series,
            List<PlotRenderer.Guide> guides) {
        Object body = representation == Representation.PNG
                ? plots.png(chart, series, guides)
                : plots.svg(chart, series, guides);
        return respond(representation, body);
    }

    private static ResponseEntity<?> respond(Representation representation, Object body) {
        return ResponseEntity.ok().contentType(representation.mediaType()).body(body);
    }

    private static List<PlotRenderer.Series> lossSeries(LossesResponse losses, Double divergedAt) {
        double[] x = toDoubles(losses.iteration());
        List<PlotRenderer.Series> series = new ArrayList<>();
        series.add(new PlotRenderer.Series("train", x, losses.train(), divergedAt));
        if (losses.validation() != null) {
            series.add(new PlotRenderer.Series("validation", x, losses.validation()));
        }
        if (losses.test() != null) {
            series.add(new PlotRenderer.Series("test", x, losses.test()));
        }
        return series;
    }

    /** One row per point of each curve; the JSON's names ({@code jobId}), the value column named by the series. */
    private static CsvBody comparisonCsv(ComparisonResponse comparison) {
        return csv(
                List.of("jobId", "label", "iteration", comparison.series()),
                comparison.jobs().size(),
                (printer, j) -> {
                    ComparisonResponse.Curve curve = comparison.jobs().get(j);
                    for (int i = 0; i < curve.iteration().length; i++) {
                        printer.printRecord(
                                curve.jobId(), curve.label(), curve.iteration()[i], cell(curve.values(), i));
                    }
                });
    }

    private interface RowWriter {
        void write(CSVPrinter printer, int row) throws IOException;
    }

    /** CSV written straight to the response as it is produced, never built as one string. */
    private static CsvBody csv(List<String> header, int rows, RowWriter writer) {
        return out -> {
            Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(
                    text,
                    CSVFormat.DEFAULT
                            .builder()
                            .setHeader(header.toArray(String[]::new))
                            .get());
            for (int i = 0; i < rows; i++) {
                writer.write(printer, i);
            }
            printer.flush();
        };
    }

    private static Object cell(double[] column, int i) {
        return column == null ? "" : column[i];
    }

    private static double[] toDoubles(int[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /**
     * The iteration at which a diverged job's training loss stopped being finite, for the plots' mark. The
     * history holds only the finite points before it, so the runner's message (written by
     * {@code training.JobRunner}: "diverged at iteration k") is where it is recorded; the last stored point stands in
     * if the message ever changes.
     */
    static Double divergedAt(TrainingJob job) {
        if (job.status() != JobStatus.FAILED || !"diverged".equals(job.outcome().errorType())) {
            return null;
        }
        String detail = job.outcome().errorDetail() == null ? "" : job.outcome().errorDetail();
        int at = detail.indexOf(DIVERGED_AT);
        if (at >= 0) {
            int start = at + DIVERGED_AT.length();
            int end = start;
            while (end < detail.length() && end - start < 10 && Character.isDigit(detail.charAt(end))) {
                end++;
            }
            if (end > start) {
                return Double.valueOf(detail.substring(start, end));
            }
        }
        return job.progress().iteration() == null
                ? 0.0
                : job.progress().iteration().doubleValue();
    }

    private static String title(String what, TrainingJob job) {
        return what + " — " + label(job) + " " + job.layerSizes() + " "
                + job.spec().activation().id();
    }

    private static String label(TrainingJob job) {
        return job.name() != null && !job.name().isBlank()
                ? job.name()
                : job.id().substring(0, 8);
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
