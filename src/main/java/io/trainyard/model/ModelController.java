package io.trainyard.model;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.trainyard.nn.Model;
import io.trainyard.system.PageCursor;
import io.trainyard.system.StoresData;
import io.trainyard.system.TrainyardProperties;

/** Trained and imported models: download (JSON or ONNX), import, predict (JSON or streamed CSV), delete. */
@RestController
@RequestMapping(path = "/models", produces = "application/json")
@Tag(name = "Models", description = "Trained networks with their preprocessing and lineage")
class ModelController {

    private final ModelService models;
    private final Predictions predictions;
    private final TrainyardProperties.Limits limits;

    ModelController(ModelService models, Predictions predictions, TrainyardProperties properties) {
        this.models = models;
        this.predictions = predictions;
        this.limits = properties.limits();
    }

    @GetMapping
    @Operation(
            operationId = "listModels",
            summary = "List models",
            description = "Newest first, each as GET /models/{id} answers it (weights and biases included), "
                    + "with lineage. A page holds at most `limit` models and at most 250,000 parameters "
                    + "together (at least one model, however large), so it may hold fewer than `limit`: "
                    + "pass `nextCursor` back as `cursor` for the next page until it is null. `weights=false` "
                    + "lists summaries instead (weights and biases null), `limit` to a page.")
    ModelPage list(
            @Parameter(description = "Page size, 1 to 500") @RequestParam(defaultValue = "50") @Min(1) @Max(500)
                    int limit,
            @Parameter(
                            description =
                                    "Only this owner's models (admin keys; a user key lists its own, and naming another owner is a 400; names match in any case)")
                    @RequestParam(required = false)
                    String owner,
            @Parameter(description = "nextCursor of the previous page of this list, with the same filters")
                    @RequestParam(required = false)
                    String cursor,
            @Parameter(description = "false: summaries without weights and biases (lighter)")
                    @RequestParam(defaultValue = "true")
                    boolean weights) {
        PageCursor.Page<ModelDocument> page = models.page(owner, cursor, limit, weights);
        return new ModelPage(page.items(), page.nextCursor());
    }

    record ModelPage(List<ModelDocument> items, String nextCursor) {}

    @GetMapping(
            path = "/{id}",
            produces = {"application/json", OnnxExport.MEDIA_TYPE})
    @Operation(
            operationId = "getModel",
            summary = "Download a model",
            description = "Architecture, preprocessing, every weight and bias, the "
                    + "losses it reached and its lineage. The JSON can be imported again with POST /models (without id, jobId, "
                    + "createdAt; lineage is ignored). `Accept: application/onnx` or `format=onnx` gives the model as an ONNX "
                    + "graph (opset 13, tensor(double)): input `x` [N, d] of raw inputs, output `y` [N, k], with the basis "
                    + "expansion (Pow, Concat) and normalisation (Sub, Div) inside the graph, then MatMul, Add and the "
                    + "activation per layer; the lineage is in its metadata_props as `trainyard.lineage.*`. Any ONNX runtime "
                    + "reproduces POST /models/{id}/predictions to 1e-9.")
    @ApiResponse(
            responseCode = "200",
            description = "The model",
            content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = ModelDocument.class)),
                @Content(
                        mediaType = OnnxExport.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = "string",
                                        format = "binary",
                                        description = "An ONNX ModelProto (protobuf)"))
            })
    @ApiResponse(
            responseCode = "404",
            description = "No such model",
            content = @Content(mediaType = "application/problem+json"))
    ModelDownload get(
            @PathVariable String id,
            @Parameter(description = "json or onnx; overrides Accept") @RequestParam(required = false) String format) {
        // `format` is here for the API documentation: the application's content negotiation reads it
        // (an unknown one is a 400 naming the known ones), else Accept by quality (406 when it accepts
        // neither), and picks Jackson (JSON) or OnnxMessageConverter.
        return new ModelDownload(models.get(id));
    }

    @PostMapping(consumes = "application/json")
    @StoresData
    @Operation(
            operationId = "importModel",
            summary = "Import a model",
            description = "Stores a model given in the GET /models/{id} shape: a model's own answer without its id "
                    + "imports as it is (jobId, createdAt, owner and lineage are ignored; the import gets its own, with "
                    + "lineage.imported true; an id is refused). Shapes are checked against "
                    + "layerSizes; 400 names each mismatch. `inputColumns`/`outputColumns` are optional names used by CSV "
                    + "predictions.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            examples =
                                                    @ExampleObject(
                                                            name = "linear",
                                                            summary = "A linear model y = 2·x1 − x2 + 0.5",
                                                            value = """
                            {"layerSizes": [2, 1], "activation": "none", "bias": true,
                             "preprocessing": {"basisDegree": 1, "normalize": false},
                             "weights": {"W0": [[2.0], [-1.0]]}, "biases": {"b0": [0.5]},
                             "inputColumns": ["x1", "x2"], "outputColumns": ["y"]}"""))))
    @ApiResponse(responseCode = "201", description = "Imported; Location names the model")
    @ApiResponse(
            responseCode = "400",
            description = "The model is invalid; `errors` names each shape mismatch",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<ModelDocument> importModel(@RequestBody ModelDocument document) {
        Model model = document.toModel(limits.maxHiddenLayers(), limits.maxParameters(), limits.maxWidth());
        StoredModel stored = models.saveImported(
                model, document.trainLoss(), document.testLoss(), document.inputColumns(), document.outputColumns());
        return ResponseEntity.created(URI.create("/models/" + stored.id())).body(ModelDocument.from(stored));
    }

    @PostMapping(path = "/{id}/predictions", consumes = "application/json")
    @Operation(operationId = "predictWithModel", summary = "Predict", description = Predictions.JSON_DESCRIPTION)
    @ApiResponse(
            responseCode = "400",
            description = "Missing, ragged or non-finite x, or the wrong number of columns",
            content = @Content(mediaType = "application/problem+json"))
    Predictions.PredictionResponse predict(
            @PathVariable String id, @RequestBody Predictions.PredictionRequest request) {
        return predictions.json(models.get(id).model(), request);
    }

    @PostMapping(
            path = "/{id}/predictions",
            consumes = {Predictions.CSV, Predictions.APPLICATION_CSV},
            produces = Predictions.CSV)
    @Operation(
            operationId = "predictWithModel",
            summary = "Predict from CSV (streamed)",
            description = Predictions.CSV_DESCRIPTION,
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = {
                                @Content(
                                        mediaType = Predictions.CSV,
                                        schema = @Schema(type = "string"),
                                        examples =
                                                @ExampleObject(
                                                        name = Predictions.EXAMPLE_NAME,
                                                        value = Predictions.CSV_EXAMPLE)),
                                @Content(mediaType = Predictions.APPLICATION_CSV, schema = @Schema(type = "string"))
                            }))
    @ApiResponse(
            responseCode = "200",
            description = "The input columns and one column per output",
            content = @Content(mediaType = Predictions.CSV, schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "400",
            description =
                    "A bad header, ragged row or non-number anywhere in the body, naming the line and column; a body "
                            + "over the limits; a row of the first chunk whose prediction is not a finite number",
            content = @Content(mediaType = "application/problem+json"))
    void predictCsv(@PathVariable String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        predictions.csv(models.get(id), request, response);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "deleteModel",
            summary = "Delete a model",
            description = "404 when there is no such model; 409 naming the aliases while any points to it, and "
                    + "naming the jobs (and their sweeps) while a queued or running job warm-starts from it "
                    + "(warmStartModel), as for a data set in use: cancel them or wait until they finish. The job that "
                    + "trained it then has modelId null.")
    @ApiResponse(
            responseCode = "409",
            description = "An alias points to it, or a queued or running job warm-starts from it",
            content = @Content(mediaType = "application/problem+json"))
    void delete(@PathVariable String id) {
        models.delete(id);
    }
}
