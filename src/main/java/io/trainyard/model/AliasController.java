package io.trainyard.model;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
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

/**
 * Aliases: stable names such as {@code production} that point at a model, so clients predict with
 * "whatever production is" and a new model is rolled out (or back) by moving the name.
 */
@RestController
@RequestMapping(path = "/aliases", produces = "application/json")
@Tag(name = "Aliases", description = "Stable names pointing at models, with every change kept")
class AliasController {

    private static final String NAME =
            "1 to 64 ASCII letters (A-Z, a-z), digits (0-9), '.', '_' or '-', starting with a letter or digit";
    private static final String OWNER =
            "Whose alias (admin keys; an admin key means its own without it; a user key may only name itself, "
                    + "another owner is a 400; names match in any case)";

    private final AliasService aliases;
    private final Predictions predictions;

    AliasController(AliasService aliases, Predictions predictions) {
        this.aliases = aliases;
        this.predictions = predictions;
    }

    @GetMapping
    @Operation(
            operationId = "listAliases",
            summary = "List aliases",
            description = "The caller's aliases, by name; for an admin key every owner's, by owner and name.")
    AliasList list(
            @Parameter(
                            description =
                                    "Only this owner's aliases (admin keys; a user key lists its own, and naming another owner is a 400; names match in any case)")
                    @RequestParam(required = false)
                    String owner) {
        return new AliasList(aliases.list(owner));
    }

    record AliasList(List<Alias> items) {}

    @GetMapping("/{name}")
    @Operation(
            operationId = "getAlias",
            summary = "Look up an alias",
            description = "The model the alias points to now.")
    @ApiResponse(responseCode = "200", description = "The alias")
    @ApiResponse(
            responseCode = "404",
            description = "No such alias",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "400",
            description = "A bad name (see the name parameter)",
            content = @Content(mediaType = "application/problem+json"))
    Alias get(
            @Parameter(description = NAME, example = "production") @PathVariable String name,
            @Parameter(description = OWNER) @RequestParam(required = false) String owner) {
        return aliases.get(name, owner);
    }

    @Schema(name = "AliasRequest")
    record AliasRequest(
            @Schema(
                    description = "The model the alias should point to",
                    example = "5b0c7f0e-3d6a-4c55-9a53-2f1f0c1d9e77")
            String modelId) {}

    @PutMapping(path = "/{name}", consumes = "application/json")
    @Operation(
            operationId = "setAlias",
            summary = "Point an alias at a model",
            description = "Creates the alias or moves it; every call is "
                    + "recorded in its history (with the model it pointed to before).",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            examples =
                                                    @ExampleObject(
                                                            name = "promote",
                                                            value =
                                                                    "{\"modelId\": \"5b0c7f0e-3d6a-4c55-9a53-2f1f0c1d9e77\"}"))))
    @ApiResponse(responseCode = "200", description = "The alias as it is now")
    @ApiResponse(
            responseCode = "400",
            description = "A bad name, or a modelId that names no model",
            content = @Content(mediaType = "application/problem+json"))
    Alias put(
            @Parameter(description = NAME, example = "production") @PathVariable String name,
            @Parameter(description = OWNER + "; the model must then be that owner's") @RequestParam(required = false)
                    String owner,
            @RequestBody AliasRequest request) {
        return aliases.put(name, request == null ? null : request.modelId(), owner);
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "deleteAlias",
            summary = "Delete an alias",
            description = "The model stays; the deletion is recorded in the alias's "
                    + "history (modelId null), which stays readable.")
    @ApiResponse(
            responseCode = "404",
            description = "No such alias",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "400",
            description = "A bad name (see the name parameter)",
            content = @Content(mediaType = "application/problem+json"))
    void delete(
            @Parameter(description = NAME, example = "production") @PathVariable String name,
            @Parameter(description = OWNER) @RequestParam(required = false) String owner) {
        aliases.delete(name, owner);
    }

    @GetMapping("/{name}/history")
    @Operation(
            operationId = "getAliasHistory",
            summary = "An alias's history",
            description = "Every change, newest first: the model it pointed to "
                    + "from then on (null for a deletion), the one before, when and by whom.")
    @ApiResponse(responseCode = "200", description = "The changes, newest first")
    @ApiResponse(
            responseCode = "404",
            description = "The name was never used",
            content = @Content(mediaType = "application/problem+json"))
    AliasHistory history(
            @Parameter(description = NAME, example = "production") @PathVariable String name,
            @Parameter(description = "At most this many changes, 1 to 1000")
                    @RequestParam(defaultValue = "100")
                    @Min(1)
                    @Max(1000)
                    int limit,
            @Parameter(description = OWNER) @RequestParam(required = false) String owner) {
        return new AliasHistory(aliases.history(name, limit, owner));
    }

    record AliasHistory(List<Alias.Change> items) {}

    @PostMapping(path = "/{name}/predictions", consumes = "application/json")
    @Operation(
            operationId = "predictWithAlias",
            summary = "Predict with the model an alias points to",
            description = Predictions.JSON_DESCRIPTION)
    @ApiResponse(
            responseCode = "404",
            description = "No such alias",
            content = @Content(mediaType = "application/problem+json"))
    Predictions.PredictionResponse predict(
            @Parameter(description = NAME, example = "production") @PathVariable String name,
            @Parameter(description = OWNER) @RequestParam(required = false) String owner,
            @RequestBody Predictions.PredictionRequest request) {
        return predictions.json(aliases.model(name, owner).model(), request);
    }

    @PostMapping(
            path = "/{name}/predictions",
            consumes = {Predictions.CSV, Predictions.APPLICATION_CSV},
            produces = Predictions.CSV)
    @Operation(
            operationId = "predictWithAlias",
            summary = "Predict from CSV with the model an alias points to (streamed)",
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
    void predictCsv(
            @Parameter(description = NAME, example = "production") @PathVariable String name,
            @Parameter(description = OWNER) @RequestParam(required = false) String owner,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException {
        predictions.csv(aliases.model(name, owner), request, response);
    }
}
