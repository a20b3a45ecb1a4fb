package io.trainyard.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.history.HistoryService;
import io.trainyard.history.MemberCurve;
import io.trainyard.job.CheckedInlineData;
import io.trainyard.job.CreateJobRequest;
import io.trainyard.job.IdenticalMembersException;
import io.trainyard.job.InvalidMembersException;
import io.trainyard.job.JobService;
import io.trainyard.job.JobSpecRanges;
import io.trainyard.job.MemberConflictException;
import io.trainyard.job.QueueRefusals;
import io.trainyard.job.TrainingJob;
import io.trainyard.security.ActiveJobsQuota;
import io.trainyard.security.Caller;
import io.trainyard.security.Owners;
import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.Names;
import io.trainyard.system.PageCursor;
import io.trainyard.system.Seeds;
import io.trainyard.system.Timestamps;
import io.trainyard.system.TrainyardProperties;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Expanding a sweep into jobs, and reading it back as a leaderboard. */
@Service
class SweepService {

    private static final Logger log = LoggerFactory.getLogger(SweepService.class);

    /**
     * The most points {@code GET /sweeps/{id}/losses} answers with: as many as the largest
     * {@code GET /jobs/compare} (20 curves of 100,000 points), so a sweep's chart costs no more memory
     * than a comparison.
     */
    static final int MAX_CURVE_POINTS = 2_000_000;

    private final SweepRepository sweeps;
    private final JobService jobs;
    private final QueueRefusals refusals;
    private final HistoryService histories;
    private final DatasetCatalog datasets;
    private final JsonMapper json;
    private final TransactionTemplate transaction;
    private final ActiveJobsQuota activeJobs;
    private final Owners owners;
    private final int maxSweepSize;
    private final int maxHiddenLayers;
    private final int queueCapacity;
    /** Said of a grid value too large for its field, as POST /jobs says it. */
    private final JobSpecRanges ranges;

    SweepService(
            SweepRepository sweeps,
            JobService jobs,
            QueueRefusals refusals,
            HistoryService histories,
            DatasetCatalog datasets,
            JsonMapper json,
            TransactionTemplate transaction,
            ActiveJobsQuota activeJobs,
            Owners owners,
            TrainyardProperties properties) {
        this.activeJobs = activeJobs;
        this.owners = owners;
        this.sweeps = sweeps;
        this.jobs = jobs;
        this.refusals = refusals;
        this.histories = histories;
        this.datasets = datasets;
        this.json = json;
        this.transaction = transaction;
        this.maxSweepSize = properties.limits().maxSweepSize();
        this.maxHiddenLayers = properties.limits().maxHiddenLayers();
        this.queueCapacity = properties.limits().queueCapacity();
        this.ranges = new JobSpecRanges(properties.limits());
    }

    /**
     * Checks the sweep and every job it expands to, then queues them all together.
     *
     * @throws InvalidRequestException listing every problem (fields named {@code base.*} or {@code grid.*}),
     *     a sweep with more members than the owner's whole quota or the queue's capacity included
     * @throws io.trainyard.system.QueueFullException when the queue cannot take every job
     * @throws io.trainyard.system.TooManyRequestsException when the owner's active jobs plus every member
     *     would exceed its quota
     */
    Sweep create(CreateSweepRequest request) {
        Expansion expansion = expand(request);
        // Before anything is stored: a sweep is admitted whole or not at all. Only now, after its body
        // was checked, so that one that could never fit is its 400 whatever the owner's jobs or the
        // queue hold (refused before the body was read, it got a 429 no wait could honour). A queue known
        // to be full refuses it here, before its members are resolved and their data sets read.
        activeJobs.admit(expansion.requests().size());
        refusals.refuseEarly();
        Grid grid = expansion.grid();
        ObjectNode base = expansion.base();
        String id = expansion.id();
        SelectBy chosen = expansion.selectBy();
        List<CreateJobRequest> requests = expansion.requests();
        List<Map<String, JsonNode>> points = expansion.points();
        Sweep sweep = transaction.execute(status -> {
            // Inline data is stored once for every member, in the sweep's transaction: a sweep refused
            // there leaves no data set behind.
            JobService.Submitted submitted = submitAll(requests, expansion.inline(), id, grid, points);
            ObjectNode stored = base.deepCopy();
            stored.put("dataset", submitted.dataset());
            removeNulls(stored);
            Sweep created = new Sweep(
                    id,
                    request.name(),
                    stored,
                    grid.asMap(),
                    chosen,
                    submitted.jobIds(),
                    Timestamps.now(),
                    Caller.current().name());
            sweeps.insert(created, created.owner());
            return created;
        });
        log.info(
                "Sweep {} queued: {} jobs over {}, selected by {}",
                id,
                requests.size(),
                grid.asMap().keySet(),
                chosen.id());
        return sweep;
    }

    /** What a sweep would queue: every member checked exactly as {@link #create} checks it; nothing is stored. */
    SweepDryRun dryRun(CreateSweepRequest request) {
        Expansion expansion = expand(request);
        List<JobService.DryRun> members;
        try {
            // The members share the inline data checked once by expand (never converted per member);
            // nothing is stored.
            members = jobs.dryRunAll(expansion.requests(), expansion.inline());
        } catch (InvalidMembersException e) {
            throw invalid(e, expansion.grid(), expansion.points());
        } catch (MemberConflictException e) {
            throw conflict(e, expansion.points());
        } catch (IdenticalMembersException e) {
            throw repeated(e, expansion.grid(), expansion.points());
        }
        List<SweepDryRun.Member> out = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < members.size(); i++) {
            out.add(new SweepDryRun.Member(expansion.points().get(i), members.get(i)));
            total += members.get(i).estimatedMemoryBytes();
        }
        SelectBy selectBy = expansion.selectBy();
        return new SweepDryRun(request.name(), selectBy.id(), selectBy.warning(), out.size(), total, out);
    }

    /** A checked sweep request, expanded into its members' requests (grid order). */
    private record Expansion(
            String id,
            ObjectNode base,
            Grid grid,
            SelectBy selectBy,
            List<Map<String, JsonNode>> points,
            List<CreateJobRequest> requests,
            CheckedInlineData inline) {}

    private Expansion expand(CreateSweepRequest request) {
        if (request == null) {
            throw new InvalidRequestException(
                    "body",
                    "send a JSON sweep such as {\"base\": {\"dataset\": \"hw5\", "
                            + "\"alpha\": 0.001, \"validationFraction\": 0.2}, \"grid\": {\"layers\": [[5], [20]]}}");
        }
        List<FieldError> errors = new ArrayList<>();
        Names.check(request.name(), errors);
        SelectBy selectBy = SelectBy.VALIDATION;
        try {
            selectBy = SelectBy.fromId(request.selectBy());
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("selectBy", e.getMessage()));
        }
        if (request.base() == null) {
            errors.add(new FieldError(
                    "base",
                    "is required: the job spec every member starts from, e.g. "
                            + "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"validationFraction\": 0.2}"));
        }
        Grid grid = Grid.check(request.grid(), maxSweepSize, maxHiddenLayers, json, ranges, errors);
        checkFitsAtAll(Grid.product(request.grid()), errors);
        if (request.base() != null && grid != null) {
            checkSelection(request.base(), grid, selectBy, errors);
        }
        CheckedInlineData inline = null;
        if (request.base() != null && request.base().data() != null) {
            CreateJobRequest.InlineData data = request.base().data();
            if (request.base().dataset() != null) {
                errors.add(new FieldError("base.data", "give either dataset or data, not both"));
            } else {
                // Checked and converted once for the whole sweep, whatever its size: every member
                // shares these arrays, in the dry run as in the submission.
                inline = CheckedInlineData.check(data, "base.data.", errors, datasets.maxCells());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }

        // The tree leaves the (possibly large) inline data out, so no member carries it: they all resolve
        // against the one checked copy, which is stored once when the sweep is queued.
        ObjectNode base =
                json.valueToTree(named(request.base(), null, request.base().dataset()));
        base.remove("data");
        // Members share one seed unless the grid varies it: the same initial weights and the same
        // validation rows, so the leaderboard compares the hyperparameters and not the luck of the draw.
        if (request.base().seed() == null && !grid.varies("seed")) {
            base.put("seed", Seeds.draw());
        }
        String id = UUID.randomUUID().toString();
        List<Map<String, JsonNode>> points = grid.points();
        List<CreateJobRequest> requests = new ArrayList<>();
        String prefix = request.name() != null ? request.name() : "sweep " + id.substring(0, 8);
        for (Map<String, JsonNode> point : points) {
            CreateJobRequest member = Grid.apply(json, base, point);
            requests.add(named(member, prefix + " [" + Grid.label(point) + "]", member.dataset()));
        }
        return new Expansion(id, base, grid, selectBy, points, requests, inline);
    }

    /**
     * A sweep with more members than the owner may ever have active, or than the queue ever holds,
     * can never be admitted: waiting would not help, so it is a 400 that says to split it, not the
     * 429 with Retry-After that a sweep gets when jobs ahead of it must finish first. Checked with
     * the size limit, before anything is expanded; a dry run says it too, as the submission would.
     */
    private void checkFitsAtAll(long size, List<FieldError> errors) {
        if (size > maxSweepSize) {
            return; // the grid's own size check has said it, with the smaller limit
        }
        activeJobs.ceiling().ifPresent(quota -> {
            if (size > quota) {
                errors.add(new FieldError(
                        "grid",
                        "expands to " + size + " jobs (one per member), more than the " + jobs(quota)
                                + " one owner may have queued or running at once "
                                + "(trainyard.quota.max-active-jobs): it could never be admitted, however long "
                                + "you wait; split it into sweeps of at most " + jobs(quota)));
            }
        });
        if (size > queueCapacity) {
            errors.add(new FieldError(
                    "grid",
                    "expands to " + size + " jobs (one per member), more than the " + queueCapacity
                            + " the queue holds (trainyard.limits.queue-capacity): it could never be queued, "
                            + "however long you wait; split it into sweeps of at most " + jobs(queueCapacity)));
        }
    }

    private static String jobs(int count) {
        return count == 1 ? "1 job" : count + " jobs";
    }

    Sweep get(String id) {
        return sweeps.find(id, Caller.current().onlyOwner()).orElseThrow(() -> new SweepNotFoundException(id));
    }

    /** A page of sweeps, newest first; {@code cursor} comes from the previous page. */
    PageCursor.Page<Sweep> page(String owner, int limit, String cursor) {
        Owners.Listing listing = owners.listing("sweeps", owner, cursor);
        return listing.page(
                sweeps.newest(listing.owner(), listing.after(), limit + 1), limit, Sweep::createdAt, Sweep::id);
    }

    /** The sweep's members with their grid points, in grid order. */
    List<Leaderboard.Candidate> candidates(Sweep sweep) {
        Map<String, SweepMember> byId = new HashMap<>();
        for (TrainingJob job : jobs.ofSweep(sweep.id())) {
            byId.put(job.id(), storedModelLosses(job, latest(job)));
        }
        List<Map<String, JsonNode>> points = pointsOf(sweep);
        List<Leaderboard.Candidate> out = new ArrayList<>();
        for (int i = 0; i < sweep.jobIds().size(); i++) {
            SweepMember member = byId.get(sweep.jobIds().get(i));
            if (member != null) {
                Map<String, JsonNode> point = i < points.size() ? points.get(i) : Map.of();
                out.add(new Leaderboard.Candidate(member, point, Grid.label(point), i));
            }
        }
        return out;
    }

    /**
     * A finished member is ranked by the model it stored: with early stopping and restoreBest that
     * holds the weights of the best point, with that point's losses, not the last point's. They are
     * read back from the history, where the run recorded them (retention keeps that point in the
     * coarse level). Should the history no longer hold it (pruned before that rule) the member keeps
     * its final losses, and says so by naming no bestIteration.
     */
    private SweepMember storedModelLosses(TrainingJob job, SweepMember member) {
        Integer restored = job.restoredIteration();
        if (restored == null) {
            return member;
        }
        return histories.lossesAt(job.id(), restored).map(member::restoredTo).orElseGet(() -> {
            log.debug(
                    "Job {} stored the weights of iteration {}, which its history no longer holds: ranked by its "
                            + "final losses",
                    job.id(),
                    restored);
            return member;
        });
    }

    List<SweepMember> members(Sweep sweep) {
        return jobs.ofSweep(sweep.id()).stream().map(this::latest).toList();
    }

    /** A member with its latest losses (the last point's, once finished). */
    private SweepMember latest(TrainingJob job) {
        return SweepMember.from(job, jobs.progress(job));
    }

    /**
     * Every member's curves, each downsampled to at most {@code maxPoints}.
     *
     * @throws InvalidRequestException when the curves could hold more than {@link #MAX_CURVE_POINTS} points
     */
    SweepResponse.Losses losses(Sweep sweep, int maxPoints) {
        List<TrainingJob> members = jobs.ofSweep(sweep.id());
        checkCurveBudget(members, maxPoints);
        Map<String, MemberCurve> curves = new HashMap<>();
        histories.curves(members, maxPoints).forEach(c -> curves.put(c.jobId(), c));
        List<SweepResponse.Curve> out = new ArrayList<>();
        for (Leaderboard.Candidate c : candidates(sweep)) {
            var curve = curves.get(c.member().jobId());
            if (curve != null) {
                out.add(new SweepResponse.Curve(
                        curve.jobId(),
                        c.label(),
                        c.parameters(),
                        c.member().status(),
                        curve.iteration(),
                        curve.train(),
                        curve.validation(),
                        curve.test(),
                        c.member().bestIteration()));
            }
        }
        return new SweepResponse.Losses(sweep.id(), sweep.selectBy().id(), out);
    }

    /**
     * Every curve of one answer is held in memory at once: 200 members of a million iterations asked
     * for in full would be hundreds of millions of points, an out-of-memory error for everyone
     * instead of a 400 for one request. A member's curve is never longer than what it has stored, and
     * while it may still train never longer than its iterations + 1, so small sweeps, and finished
     * ones whatever their iterations, may ask for every point.
     */
    private void checkCurveBudget(List<TrainingJob> members, int maxPoints) {
        long[] longest = new long[members.size()];
        for (int i = 0; i < longest.length; i++) {
            TrainingJob job = members.get(i);
            // A finished member's history no longer grows (retention only shrinks it): what it stored, not
            // what its spec asked for, bounds its curve. One cancelled at iteration 5 of a million has 6.
            longest[i] = job.status().isTerminal()
                    ? histories.storedPoints(job.id())
                    : (long) job.spec().iterations() + 1;
        }
        long points = curvePoints(longest, maxPoints);
        if (points <= MAX_CURVE_POINTS) {
            return;
        }
        // The largest maxPoints within the budget (the total only grows with it): a binary search.
        int low = 2;
        int high = maxPoints;
        while (low < high) {
            int middle = (int) (((long) low + high + 1) / 2);
            if (curvePoints(longest, middle) <= MAX_CURVE_POINTS) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        throw new InvalidRequestException(
                "maxPoints",
                "the " + members.size() + " jobs' curves at up to " + maxPoints + " points each could come to "
                        + points + " points, more than " + MAX_CURVE_POINTS + " in one answer; ask for maxPoints="
                        + low + " or fewer, or read single jobs in full with GET /jobs/{id}/losses");
    }

    /** The points of the curves at up to {@code maxPoints} each, with each member's {@code longest}. */
    private static long curvePoints(long[] longest, int maxPoints) {
        long points = 0;
        for (long member : longest) {
            points += Math.min(maxPoints, member);
        }
        return points;
    }

    /** Cancels the queued members at once and asks the running ones to stop (JobService logs how many). */
    Sweep cancel(String id) {
        Sweep sweep = get(id);
        jobs.cancelSweep(id);
        return sweep;
    }

    private List<Map<String, JsonNode>> pointsOf(Sweep sweep) {
        Map<String, List<JsonNode>> grid = sweep.grid();
        List<FieldError> ignored = new ArrayList<>();
        // The stored grid passed these checks when the sweep was created; the limit may have been lowered since.
        Grid checked = Grid.check(grid, Integer.MAX_VALUE, Integer.MAX_VALUE, json, ranges, ignored);
        return checked == null ? List.of() : checked.points();
    }

    /**
     * Selecting by a loss the jobs will not have is a mistake better reported now than after an hour
     * of training.
     */
    private void checkSelection(CreateJobRequest base, Grid grid, SelectBy selectBy, List<FieldError> errors) {
        if (selectBy == SelectBy.VALIDATION) {
            List<JsonNode> fractions = grid.varies("validationFraction")
                    ? grid.values("validationFraction")
                    : List.of(json.valueToTree(base.validationFraction() == null ? 0.0 : base.validationFraction()));
            List<Integer> zeros = new ArrayList<>();
            for (int i = 0; i < fractions.size(); i++) {
                if (fractions.get(i).isNumber() && fractions.get(i).asDouble() == 0.0) {
                    zeros.add(i);
                }
            }
            if (!zeros.isEmpty() && !hasOwnValidation(base)) {
                if (grid.varies("validationFraction")) {
                    // The grid overrides base.validationFraction: setting it there, as the base's message
                    // says, would change nothing. Each 0 is named where it was written.
                    for (int i : zeros) {
                        errors.add(new FieldError(
                                "grid.validationFraction[" + i + "]",
                                "is 0, so this member has no validation set to select by (selectBy validation); "
                                        + "remove 0 from grid.validationFraction (or select by train or test, "
                                        + "which the response flags as misleading)"));
                    }
                } else {
                    errors.add(new FieldError(
                            "base.validationFraction",
                            "selectBy validation needs a validation set: set "
                                    + "base.validationFraction to a share of the training rows such as 0.2 (or select "
                                    + "by train or test, which the response flags as misleading)"));
                }
            }
        }
        if (selectBy == SelectBy.TEST) {
            boolean hasTest = true;
            if (base.data() != null) {
                hasTest = base.data().testX() != null;
            } else if (base.dataset() != null) {
                try {
                    hasTest = datasets.info(base.dataset()).testRows() > 0;
                } catch (DatasetNotFoundException e) {
                    // reported by the job checks with the field name users know
                }
            }
            if (!hasTest) {
                errors.add(new FieldError(
                        "selectBy",
                        "test needs test rows, and the data has none; select by "
                                + "validation with base.validationFraction such as 0.2"));
            }
        }
    }

    /** Whether the base's data brings its own validation set (inline validationX, or a data set's part). */
    private boolean hasOwnValidation(CreateJobRequest base) {
        if (base.data() != null) {
            return base.data().validationX() != null;
        }
        if (base.dataset() != null) {
            try {
                return datasets.get(base.dataset()).hasValidation();
            } catch (DatasetNotFoundException e) {
                return false; // reported by the job checks
            }
        }
        return false;
    }

    /** Queues every member, or none: a problem of any member is reported as {@link #invalid} says. */
    private JobService.Submitted submitAll(
            List<CreateJobRequest> requests,
            CheckedInlineData inline,
            String id,
            Grid grid,
            List<Map<String, JsonNode>> points) {
        try {
            return jobs.submitAll(requests, inline, id);
        } catch (InvalidMembersException e) {
            throw invalid(e, grid, points);
        } catch (MemberConflictException e) {
            throw conflict(e, points);
        } catch (IdenticalMembersException e) {
            throw repeated(e, grid, points);
        }
    }

    /**
     * Members that would train exactly alike, named by the grid values that make them so: for each
     * repeat, every key whose value differs from the member it repeats, at that value's place in the
     * grid, beside the value it is the same as (each such pair once). The grid's own check refuses a
     * value written twice; these are values written differently that mean the same once resolved:
     * {@code "RELU"} and {@code "relu"}, an optimizer or early stopping with and without its defaults, a
     * batch size of at least the training rows and none (both the full batch).
     */
    private InvalidRequestException repeated(
            IdenticalMembersException e, Grid grid, List<Map<String, JsonNode>> points) {
        Set<FieldError> errors = new LinkedHashSet<>();
        for (IdenticalMembersException.Repeat repeat : e.repeats()) {
            Map<String, JsonNode> point = points.get(repeat.index());
            Map<String, JsonNode> earlier = points.get(repeat.sameAs());
            JsonNode spec = json.valueToTree(repeat.spec());
            JsonNode earlierSpec = json.valueToTree(repeat.sameAsSpec());
            for (String key : grid.asMap().keySet()) {
                JsonNode value = point.get(key);
                JsonNode other = earlier.get(key);
                if (value.equals(other)) {
                    continue;
                }
                List<JsonNode> values = grid.values(key);
                JsonNode resolved = spec.get(key);
                String why;
                if (resolved != null && resolved.equals(earlierSpec.get(key))) {
                    why = "both resolve to " + resolved;
                } else if (key.equals("batchSize")) {
                    why = "a batch of at least the " + repeat.trainingRows()
                            + " rows these members train on is the full batch, as null is";
                } else {
                    why = "the members they make would train alike";
                }
                errors.add(new FieldError(
                        "grid." + key + "[" + values.indexOf(value) + "]",
                        value + " is the same as " + other + " (grid." + key + "[" + values.indexOf(other) + "]): "
                                + why + ", so its jobs would only repeat those of the other; keep one of them"));
            }
        }
        return new InvalidRequestException(new ArrayList<>(errors));
    }

    /** A member's conflict (its warm-start model does not fit it), saying which grid point it is. */
    private static ConflictException conflict(MemberConflictException e, List<Map<String, JsonNode>> points) {
        Map<String, JsonNode> point = e.index() < points.size() ? points.get(e.index()) : Map.of();
        return new ConflictException("The member at " + point + " (member " + (e.index() + 1) + " of " + points.size()
                + "): " + e.getMessage());
    }

    /**
     * The members' problems under the names the user wrote the values by, each distinct problem
     * once: {@code base.alpha}, or for a value from the grid its place in the grid's list, as the
     * grid's own checks name it ({@code grid.alpha[1]}, {@code grid.layers[1][0]} for the first width
     * of the second layers value, {@code grid.earlyStopping[2].patience}).
     *
     * <p>A problem of a field the grid does not vary is the base's only when every member has it. When
     * only some do, the grid is what sets them apart (layers that are fine at basisDegree 1 and too
     * many parameters at 10): naming {@code base.layers} pointed at input that is valid on its own. It
     * is then named by the grid value that makes the difference ({@code grid.basisDegree[1]}), or,
     * when no single key's values explain which members fail, by each failing member's point.
     *
     * @param points each member's grid point, in member order
     */
    private static InvalidRequestException invalid(
            InvalidMembersException e, Grid grid, List<Map<String, JsonNode>> points) {
        Map<String, Set<Integer>> failing = new HashMap<>();
        for (InvalidMembersException.MemberError member : e.errors()) {
            failing.computeIfAbsent(member.error().field(), f -> new HashSet<>())
                    .add(member.index());
        }
        Map<String, Optional<String>> causes = new HashMap<>();
        Set<FieldError> errors = new LinkedHashSet<>();
        for (InvalidMembersException.MemberError member : e.errors()) {
            FieldError error = member.error();
            Map<String, JsonNode> point = member.index() < points.size() ? points.get(member.index()) : Map.of();
            String root = error.field().split("[.\\[]", 2)[0];
            Set<Integer> members = failing.get(error.field());
            if (grid.varies(root) || members.size() >= points.size()) {
                errors.add(relabel(error, grid, point));
                continue;
            }
            Optional<String> cause = causes.computeIfAbsent(error.field(), f -> cause(members, grid, points));
            if (cause.isPresent()) {
                String key = cause.get();
                errors.add(new FieldError(
                        "grid." + key + "[" + grid.values(key).indexOf(point.get(key)) + "]",
                        "with base." + error.field() + ": " + error.message()));
            } else {
                errors.add(new FieldError(
                        "base." + error.field(),
                        "at the member " + point + " (member " + (member.index() + 1) + " of " + points.size() + "): "
                                + error.message()));
            }
        }
        return new InvalidRequestException(new ArrayList<>(errors));
    }

    /**
     * The one grid key whose values tell the failing members from the others: every member with one
     * of the failing members' values of it fails, and no other. Empty when no key does (the problem
     * comes of two values together).
     */
    private static Optional<String> cause(Set<Integer> failing, Grid grid, List<Map<String, JsonNode>> points) {
        for (String key : grid.asMap().keySet()) {
            Set<JsonNode> values = new HashSet<>();
            failing.forEach(i -> values.add(points.get(i).get(key)));
            boolean explains = true;
            for (int i = 0; i < points.size() && explains; i++) {
                explains = values.contains(points.get(i).get(key)) == failing.contains(i);
            }
            if (explains) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static FieldError relabel(FieldError error, Grid grid, Map<String, JsonNode> point) {
        String field = error.field();
        String root = field.split("[.\\[]", 2)[0];
        if (!grid.varies(root)) {
            return new FieldError("base." + field, error.message());
        }
        int value = grid.values(root).indexOf(point.get(root));
        String place = value < 0 ? "" : "[" + value + "]";
        return new FieldError("grid." + root + place + field.substring(root.length()), error.message());
    }

    /** The same request with another name and data set, and without inline data (a sweep shares its base's). */
    private static CreateJobRequest named(CreateJobRequest r, String name, String dataset) {
        String shortName = Names.shortened(name);
        return new CreateJobRequest(
                shortName,
                dataset,
                null,
                r.layers(),
                r.activation(),
                r.bias(),
                r.scale(),
                r.alpha(),
                r.iterations(),
                r.seed(),
                r.normalize(),
                r.basisDegree(),
                r.validationFraction(),
                r.warmStartModel(),
                r.optimizer(),
                r.batchSize(),
                r.earlyStopping());
    }

    private static void removeNulls(ObjectNode node) {
        List<String> nulls = new ArrayList<>();
        node.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                nulls.add(e.getKey());
            }
        });
        nulls.forEach(node::remove);
    }
}
