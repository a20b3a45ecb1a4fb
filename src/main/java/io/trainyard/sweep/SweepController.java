package io.trainyard.sweep;

import java.net.URI;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
import io.trainyard.system.PageCursor;
import io.trainyard.system.StoresData;

/** Hyperparameter sweeps: one job per grid point, ranked honestly. */
@RestController
@RequestMapping(path = "/sweeps", produces = "application/json")
@Tag(name = "Sweeps", description = "Train every combination of hyperparameters and rank the jobs")
class SweepController {

    private final SweepService sweeps;

    SweepController(SweepService sweeps) {
        this.sweeps = sweeps;
    }

    @PostMapping(consumes = "application/json")
    @StoresData
    @Operation(
            operationId = "createSweep",
            summary = "Start a sweep",
            description = """
            Expands `grid` into its cartesian product and queues one job per combination, each the `base` spec \
            with that combination's values (a grid key overrides the base field). Every job is checked before any \
            is queued, and the queue must take all of them, so a sweep starts whole or not at all. The members \
            share the base seed (drawn once if absent), hence the same initial weights and validation rows.

            `selectBy` names the final loss that ranks the jobs: `validation` (default; needs \
            `base.validationFraction` > 0), `train` or `test`; the last two are answered with a `warning`. \
            Answers 202 with the sweep; follow GET /sweeps/{id}. 400 for an empty grid, an unknown grid key, a \
            bad value, values that would make the same jobs (named with the value they repeat: `1` and `1.0`, but \
            also `"RELU"` and `"relu"`, an optimizer with and without its defaults, a `batchSize` of at least the \
            training rows and `null`, compared on what the members resolve to), or more jobs than \
            `trainyard.limits.max-sweep-size`; 429 when the queue cannot take them.""",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            examples = {
                                                @ExampleObject(
                                                        name = "hw5",
                                                        summary = "Six networks on hw5, chosen by validation loss",
                                                        value = """
                                    {"name": "hw5 tuning",
                                     "base": {"dataset": "hw5", "activation": "sigmoid", "bias": true, "normalize": true,
                                              "alpha": 0.0005, "iterations": 2000, "seed": 7, "validationFraction": 0.2},
                                     "grid": {"layers": [[5], [20], [50, 50]], "scale": [0.1, 1.0]},
                                     "selectBy": "validation"}"""),
                                                @ExampleObject(
                                                        name = "optimizers",
                                                        summary = "gd against adam, full batch against mini-batches",
                                                        value = """
                                    {"name": "optimizers on hw5",
                                     "base": {"dataset": "hw5", "layers": [20], "activation": "tanh", "bias": true,
                                              "normalize": true, "alpha": 0.001, "iterations": 300, "seed": 7,
                                              "validationFraction": 0.2,
                                              "earlyStopping": {"patience": 30}},
                                     "grid": {"optimizer": [{"type": "gd"}, {"type": "adam"}],
                                              "batchSize": [null, 32]},
                                     "selectBy": "validation"}""")
                                            })))
    @ApiResponse(
            responseCode = "202",
            description = "Queued; Location names the sweep",
            content = @Content(schema = @Schema(implementation = SweepResponse.class)))
    @ApiResponse(
            responseCode = "200",
            description = "dryRun=true: every member is valid; what each would be",
            content = @Content(schema = @Schema(implementation = SweepDryRun.class)))
    @ApiResponse(
            responseCode = "400",
            description = "The sweep or one of its jobs is invalid; `errors` names " + "`base.*` and `grid.*` fields",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "429",
            description = "The queue cannot take every job; retry after Retry-After",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> create(
            @RequestBody CreateSweepRequest request,
            @Parameter(
                            description =
                                    "Only check the sweep and every member exactly as a real submission would, and "
                                            + "answer 200 with each member's resolved spec, layer sizes, parameters and memory estimate; "
                                            + "store and queue nothing")
                    @RequestParam(defaultValue = "false")
                    boolean dryRun) {
        if (dryRun) {
            return ResponseEntity.ok(sweeps.dryRun(request));
        }
        Sweep sweep = sweeps.create(request);
        return ResponseEntity.accepted()
                .location(URI.create("/sweeps/" + sweep.id()))
                .body(view(sweep));
    }

    @GetMapping
    @Operation(
            operationId = "listSweeps",
            summary = "List sweeps",
            description = "Newest first, with status counts but without leaderboards. Pass `nextCursor` back as "
                    + "`cursor` for the next page; it is null on the last.")
    SweepList list(
            @Parameter(description = "Page size, 1 to 500") @RequestParam(defaultValue = "50") @Min(1) @Max(500)
                    int limit,
            @Parameter(
                            description =
                                    "Only this owner's sweeps (admin keys; a user key lists its own, and naming another owner is a 400; names match in any case)")
                    @RequestParam(required = false)
                    String owner,
            @Parameter(description = "nextCursor of the previous page of this list, with the same filters")
                    @RequestParam(required = false)
                    String cursor) {
        PageCursor.Page<Sweep> page = sweeps.page(owner, limit, cursor);
        return new SweepList(
                page.items().stream()
                        .map(s -> SweepResponse.Summary.from(s, sweeps.members(s)))
                        .toList(),
                page.nextCursor());
    }

    record SweepList(List<SweepResponse.Summary> items, String nextCursor) {}

    @GetMapping("/{id}")
    @Operation(operationId = "getSweep", summary = "Get a sweep and its leaderboard", description = """
            Status counts and the members ranked by the final `selectBy` loss per row (`score`, the MSE): finished \
            jobs best first, then queued and running ones, then cancelled ones, and failed (e.g. diverged) jobs \
            last, so a diverged job is never the winner. Every entry reports train, validation and test loss; only \
            the selected one ranks. `best` is the winning job and its model, null until a member has finished.""")
    @ApiResponse(responseCode = "200", description = "The sweep and its leaderboard")
    @ApiResponse(
            responseCode = "404",
            description = "No such sweep",
            content = @Content(mediaType = "application/problem+json"))
    SweepResponse get(@PathVariable String id) {
        return view(sweeps.get(id));
    }

    @GetMapping("/{id}/losses")
    @Operation(
            operationId = "getSweepLosses",
            summary = "Every member's loss curves",
            description = "One entry per job, in grid order, with a "
                    + "`label` for a chart legend and the iteration, train, validation and test columns of its history. "
                    + "`maxPoints` (default 500) downsamples each job's history keeping its first and last point, the "
                    + "highest and lowest point of its train, validation and test curves, and the train curve's shape; "
                    + "all curves together may hold at most 2,000,000 points (a finished job's curve counts as the "
                    + "points it stored, a queued or running job's as its iterations + 1), more is a 400 naming the "
                    + "largest maxPoints that fits.")
    SweepResponse.Losses losses(
            @PathVariable String id,
            @Parameter(description = "Downsample each curve to at most this many points (at least 2)")
                    @RequestParam(defaultValue = "500")
                    @Min(2)
                    int maxPoints) {
        return sweeps.losses(sweeps.get(id), maxPoints);
    }

    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            operationId = "cancelSweep",
            summary = "Cancel a sweep",
            description = "Cancels its queued jobs at once and asks its running jobs to stop at their next "
                    + "iteration, in one transaction, so no job that was queued is started after the cancel (on any "
                    + "instance); finished jobs keep their results. Answers 202 with the sweep: no job QUEUED, the "
                    + "running ones RUNNING with cancelRequested until they stop.")
    SweepResponse cancel(@PathVariable String id) {
        return view(sweeps.cancel(id));
    }

    private SweepResponse view(Sweep sweep) {
        return SweepResponse.from(sweep, sweeps.candidates(sweep));
    }
}
