package io.trainyard.job;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.trainyard.security.Caller;
import io.trainyard.system.PageCursor;
import io.trainyard.system.StoresData;

/** Submit, watch, cancel and delete training jobs, and read their histories. */
@RestController
@RequestMapping(path = "/jobs", produces = "application/json")
@Tag(name = "Jobs", description = "Train a network as a queued job and watch it")
class JobController {

    private final JobService jobs;
    private final FinishedJobs finished;
    private final JobEventStreams events;

    JobController(JobService jobs, FinishedJobs finished, JobEventStreams events) {
        this.jobs = jobs;
        this.finished = finished;
        this.events = events;
    }

    @PostMapping(consumes = "application/json")
    @QueuesJobs
    @StoresData
    @Operation(
            operationId = "submitJob",
            summary = "Submit a training job",
            description = "Validates the spec, stores it and queues it; answers at once with 202 and the job "
                    + "(status QUEUED, every default filled in, seed included). Training happens in the background: "
                    + "poll GET /jobs/{id} or follow GET /jobs/{id}/events. With `dryRun=true` the spec is checked "
                    + "exactly the same way (limits and the memory estimate included) and the answer is 200 with the "
                    + "resolved spec, `layerSizes`, `parameters` and `estimatedMemoryBytes`; nothing is stored.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            examples = {
                                                @ExampleObject(
                                                        name = "hw5",
                                                        summary = "A normalised sigmoid network on hw5",
                                                        value = """
                                            {"name": "two-layer sigmoid", "dataset": "hw5", "layers": [20],
                                             "activation": "sigmoid", "bias": true, "scale": 0.1, "alpha": 0.0005,
                                             "iterations": 2000, "seed": 7, "normalize": true}"""),
                                                @ExampleObject(
                                                        name = "adam-minibatch-earlystop",
                                                        summary =
                                                                "Adam on mini-batches of 32 rows, stopping once validation stalls",
                                                        value = """
                                            {"name": "adam with early stopping", "dataset": "hw5", "layers": [20],
                                             "activation": "tanh", "bias": true, "scale": 0.3, "alpha": 0.01,
                                             "iterations": 500, "seed": 7, "normalize": true,
                                             "validationFraction": 0.2,
                                             "optimizer": {"type": "adam", "beta1": 0.9, "beta2": 0.999,
                                                           "epsilon": 1e-8},
                                             "batchSize": 32,
                                             "earlyStopping": {"patience": 20, "minDelta": 0,
                                                               "monitor": "validation", "restoreBest": true}}"""),
                                                @ExampleObject(
                                                        name = "momentum-explicit-validation",
                                                        summary =
                                                                "Momentum on inline data with an explicit validation set",
                                                        value = """
                                            {"data": {"x": [[0], [1], [2], [3], [4], [5]],
                                                      "y": [1, 2, 5, 10, 17, 26],
                                                      "validationX": [[1.5], [3.5]], "validationY": [3.25, 13.25]},
                                             "layers": [8], "activation": "tanh", "bias": true, "alpha": 0.001,
                                             "iterations": 300, "normalize": true,
                                             "optimizer": {"type": "momentum", "beta": 0.9},
                                             "earlyStopping": {"patience": 30, "monitor": "validation"}}""")
                                            })))
    @ApiResponse(
            responseCode = "202",
            description = "Queued; Location names the job",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @ApiResponse(
            responseCode = "200",
            description = "dryRun=true: the spec is valid; what the job would be",
            content = @Content(schema = @Schema(implementation = JobService.DryRun.class)))
    @ApiResponse(
            responseCode = "400",
            description = "The spec is invalid; `errors` lists every field to fix",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "409",
            description = "The warm-start model does not fit the spec",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "429",
            description = "The queue is full; retry after Retry-After seconds",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> submit(
            @RequestBody CreateJobRequest request,
            @Parameter(description = "Only check the spec and answer 200 with what the job would be; store nothing")
                    @RequestParam(defaultValue = "false")
                    boolean dryRun) {
        if (dryRun) {
            return ResponseEntity.ok(jobs.dryRun(request));
        }
        TrainingJob job = jobs.submit(request);
        return ResponseEntity.accepted()
                .location(URI.create("/jobs/" + job.id()))
                .body(JobResponse.from(job, jobs.progress(job), List.of()));
    }

    @GetMapping
    @Operation(
            operationId = "listJobs",
            summary = "List jobs",
            description =
                    "Newest first, optionally filtered by status and by a part of the "
                            + "name (case-insensitive). Pass `nextCursor` back as `cursor` for the next page; it is null on the last.")
    JobPage list(
            @Parameter(description = "Only jobs in this status") @RequestParam(required = false) JobStatus status,
            @Parameter(description = "Only jobs whose name contains this") @RequestParam(required = false) String name,
            @Parameter(description = "Only the jobs of this sweep") @RequestParam(required = false) String sweepId,
            @Parameter(
                            description =
                                    "Only this owner's jobs (admin keys; a user key lists its own, and naming another owner is a 400; names match in any case)")
                    @RequestParam(required = false)
                    String owner,
            @Parameter(description = "Page size, 1 to 500") @RequestParam(defaultValue = "50") @Min(1) @Max(500)
                    int limit,
            @Parameter(description = "nextCursor of the previous page of this list, with the same filters")
                    @RequestParam(required = false)
                    String cursor) {
        PageCursor.Page<TrainingJob> page = jobs.page(status, name, sweepId, owner, limit, cursor);
        Map<String, List<JobAttempt>> attempts = jobs.attempts(page.items());
        return new JobPage(
                page.items().stream()
                        .map(j -> JobResponse.from(j, jobs.progress(j), attempts.getOrDefault(j.id(), List.of())))
                        .toList(),
                page.nextCursor());
    }

    record JobPage(List<JobResponse> items, String nextCursor) {}

    @GetMapping("/{id}")
    @Operation(
            operationId = "getJob",
            summary = "Get a job",
            description = "Status, live progress (iteration, fraction, iterations per "
                    + "second, ETA), the latest losses, and once finished the model id or the error. A queued or "
                    + "running job is read afresh on every request; a finished one never changes, so its answer is "
                    + "kept in memory (`trainyard.read-cache`): a job deleted through another instance sharing "
                    + "PostgreSQL is answered by this one for at most `trainyard.read-cache.ttl` (5 s).")
    @ApiResponse(
            responseCode = "200",
            description = "The job",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such job",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> get(@PathVariable String id) {
        FinishedJobs.Entry entry = finished.read(id);
        if (entry.json() != null) {
            // The same bytes the converter would write for jobs.describe(job): the job has finished.
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(entry.json());
        }
        return ResponseEntity.ok(jobs.describe(entry.job()));
    }

    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            operationId = "cancelJob",
            summary = "Cancel a job",
            description = "A queued job is cancelled at once (the answer "
                    + "says CANCELLED); a running one stops at its next iteration (the answer says RUNNING with cancelRequested: "
                    + "true, and the job ends CANCELLED even if its training completes meanwhile). The request survives a crash "
                    + "or restart of the instance training the job. The history so far is kept. 409 for a job that finished "
                    + "first (the detail names its status, e.g. already SUCCEEDED).")
    @ApiResponse(responseCode = "202", description = "Cancelled, or asked to stop at its next iteration")
    @ApiResponse(
            responseCode = "409",
            description = "The job has already finished",
            content = @Content(mediaType = "application/problem+json"))
    JobResponse cancel(@PathVariable String id) {
        return jobs.describe(jobs.cancel(id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "deleteJob",
            summary = "Delete a finished job",
            description = "Deletes the job and its history; its model, if any, "
                    + "stays. 409 while the job is queued or running.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(
            responseCode = "409",
            description = "The job is still queued or running",
            content = @Content(mediaType = "application/problem+json"))
    void delete(@PathVariable String id) {
        jobs.delete(id);
        // After the commit: a read in flight either finished before (and is evicted now) or finds no row.
        finished.evict(id);
    }

    @GetMapping(path = "/{id}/events", produces = "text/event-stream")
    @Operation(
            operationId = "streamJobEvents",
            summary = "Follow a job live",
            description = "Server-Sent Events: a `status` event with the whole job "
                    + "at once and on every status change (each change once and in order, also one that came and went between two "
                    + "looks, such as a hand-back and re-claim: RUNNING, QUEUED, RUNNING), and `progress` events (iteration, fraction, iterations per second, "
                    + "ETA, latest losses) at least every second while it runs. The stream ends after the final status. "
                    + "Streams are capped per instance and per owner (429 beyond) and closed after "
                    + "`trainyard.limits.event-stream-timeout`; a reader that falls far behind is dropped. "
                    + "Try `curl -N -H \"Authorization: Bearer $KEY\" localhost:8080/jobs/{id}/events`.")
    @ApiResponse(
            responseCode = "200",
            description = "The event stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "429",
            description = "Too many open streams for this instance or owner",
            content = @Content(mediaType = "application/problem+json"))
    SseEmitter events(@PathVariable String id) {
        return events.subscribe(id, Caller.current().name());
    }
}
