package io.trainyard.model;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
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
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PageCursor;
import io.trainyard.system.TrainyardProperties;

/** Trained and imported models: download, import, predict, delete. */
@RestController
@RequestMapping(path = "/models", produces = "application/json")
@Tag(name = "Models", description = "Trained networks with their preprocessing")
class ModelController {

    private final ModelService models;
    private final TrainyardProperties.Limits limits;

    ModelController(ModelService models, TrainyardProperties properties) {
        this.models = models;
        this.limits = properties.limits();
    }

    @GetMapping
    @Operation(summary = "List models", description = "Newest first, without weights (GET /models/{id} has them). "
            + "Pass `nextCursor` back as `cursor` for the next page.")
    ModelPage list(@Parameter(description = "Page size, 1 to 500") @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @Parameter(description = "Only this owner's models (admin keys; a user key always lists its own)")
            @RequestParam(required = false) String owner,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor) {
        PageCursor.Page<ModelDocument> page = PageCursor.page(models.page(owner, PageCursor.parse(cursor), limit + 1), limit,
                ModelDocument::createdAt, ModelDocument::id);
        return new ModelPage(page.items(), page.nextCursor());
    }

    record ModelPage(List<ModelDocument> items, String nextCursor) {
    }

    @GetMapping("/{id}")
    @Operation(summary = "Download a model", description = "Architecture, preprocessing, every weight and bias, and "
            + "the losses it reached. The body can be imported again with POST /models (without id, jobId, createdAt).")
    @ApiResponse(responseCode = "404", description = "No such model", content = @Content(mediaType = "application/problem+json"))
    ModelDocument get(@PathVariable String id) {
        return ModelDocument.from(models.get(id));
    }

    @PostMapping(consumes = "application/json")
    @Operation(summary = "Import a model", description = "Stores a model given in the GET /models/{id} shape "
            + "(leave out id, jobId and createdAt). Shapes are checked against layerSizes; 400 names each mismatch.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    examples = @ExampleObject(name = "linear", summary = "A linear model y = 2·x1 − x2 + 0.5", value = """
                            {"layerSizes": [2, 1], "activation": "none", "bias": true,
                             "preprocessing": {"basisDegree": 1, "normalize": false, "mean": null, "std": null},
                             "weights": {"W0": [[2.0], [-1.0]]}, "biases": {"b0": [0.5]}}"""))))
    @ApiResponse(responseCode = "201", description = "Imported; Location names the model")
    ResponseEntity<ModelDocument> importModel(@RequestBody ModelDocument document) {
        Model model = document.toModel(limits.maxParameters(), limits.maxWidth());
        StoredModel stored = models.save(null, model, document.trainLoss(), document.testLoss());
        return ResponseEntity.created(URI.create("/models/" + stored.id())).body(ModelDocument.from(stored));
    }

    @PostMapping(path = "/{id}/predictions", consumes = "application/json")
    @Operation(summary = "Predict", description = "Applies the model's stored preprocessing to the raw inputs `x` "
            + "(one row per sample, as many columns as the model's raw inputs) and returns the outputs `y`.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    examples = @ExampleObject(name = "two rows of hw5",
                            value = "{\"x\": [[2.3, 45.2, -0.05, 0.87, 1.0], [7.7, 63.3, -0.69, 2.2, 1.0]]}"))))
    @ApiResponse(responseCode = "400", description = "Missing, ragged or non-finite x, or the wrong number of columns",
            content = @Content(mediaType = "application/problem+json"))
    PredictionResponse predict(@PathVariable String id, @RequestBody PredictionRequest request) {
        Model model = models.get(id).model();
        double[][] x = request == null ? null : request.x();
        List<FieldError> errors = new ArrayList<>();
        if (x == null || x.length == 0) {
            throw new InvalidRequestException("x", "is required: an array of input rows, e.g. [[1.0, 2.0]]");
        }
        if ((long) x.length * Math.max(1, x[0] == null ? 1 : x[0].length) > limits.maxDataCells()) {
            throw new InvalidRequestException("x", "has more than " + limits.maxDataCells()
                    + " numbers (trainyard.limits.max-data-cells)");
        }
        for (int r = 0; r < x.length && errors.isEmpty(); r++) {
            if (x[r] == null || x[r].length != model.inputWidth()) {
                errors.add(new FieldError("x[" + r + "]", "has " + (x[r] == null ? 0 : x[r].length)
                        + " columns but the model expects " + model.inputWidth()));
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
        RealMatrix y = model.predict(new Array2DRowRealMatrix(x, false));
        return new PredictionResponse(y.getData());
    }

    @Schema(name = "PredictionRequest")
    record PredictionRequest(@Schema(description = "Raw inputs, one row per sample") double[][] x) {
    }

    @Schema(name = "PredictionResponse")
    record PredictionResponse(@Schema(description = "Outputs, one row per sample") double[][] y) {
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a model", description = "404 when there is no such model. Jobs that trained it keep "
            + "their modelId.")
    void delete(@PathVariable String id) {
        models.delete(id);
    }
}
