package io.trainyard.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.nn.Gemm;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.security.Caller;
import io.trainyard.security.Owners;
import io.trainyard.system.PageCursor;
import io.trainyard.system.Timestamps;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Keeps trained and imported models with their lineage. */
@Service
public class ModelService {

    private final ModelRepository repository;
    private final ModelCache cache;
    private final AliasRepository aliases;
    private final BuildVersion build;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final List<ModelUsage> usages;
    private final Owners owners;

    private final JsonMapper json;

    ModelService(
            ModelRepository repository,
            ModelCache cache,
            AliasRepository aliases,
            BuildVersion build,
            JsonMapper json,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            List<ModelUsage> usages,
            Owners owners) {
        this.owners = owners;
        this.json = json;
        this.usages = usages;
        this.events = events;
        this.transaction = transaction;
        this.repository = repository;
        this.cache = cache;
        this.aliases = aliases;
        this.build = build;
    }

    /** Parameters of the models one page of {@code GET /models} holds together, at most (unless one alone is larger). */
    static final long LIST_PARAMETERS = 250_000;

    /** Stores a model a job trained, with where it came from, and returns it with its new id. */
    public StoredModel save(String jobId, Model model, Double trainLoss, Double testLoss, TrainingRun run) {
        JsonNode spec = run.spec() == null ? null : json.valueToTree(run.spec());
        Double seconds = run.trainingTime() == null ? null : run.trainingTime().toNanos() / 1e9;
        Lineage lineage = new Lineage(
                jobId,
                run.sweepId(),
                run.datasetId(),
                run.datasetName(),
                run.dataDigest(),
                spec,
                build.version(),
                build.commit(),
                Gemm.implementation(),
                seconds,
                false);
        StoredModel stored = new StoredModel(
                UUID.randomUUID().toString(),
                jobId,
                Timestamps.now(),
                model,
                trainLoss,
                testLoss,
                lineage,
                namesFor(run.inputColumns(), model.inputWidth()),
                namesFor(run.outputColumns(), model.outputWidth()));
        repository.insert(stored, Caller.current().name());
        return stored;
    }

    /** Stores a model sent with POST /models: its lineage says imported and which build took it in. */
    StoredModel saveImported(
            Model model, Double trainLoss, Double testLoss, List<String> inputColumns, List<String> outputColumns) {
        StoredModel stored = new StoredModel(
                UUID.randomUUID().toString(),
                null,
                Timestamps.now(),
                model,
                trainLoss,
                testLoss,
                Lineage.imported(build),
                inputColumns,
                outputColumns,
                Caller.current().name());
        repository.insert(stored, stored.owner());
        return stored;
    }

    /** Names only when there is one per column: a model never carries names that do not fit it. */
    private static List<String> namesFor(List<String> names, int width) {
        return names != null && names.size() == width ? List.copyOf(names) : null;
    }

    /**
     * The model with this id.
     *
     * @throws ModelNotFoundException when there is none
     */
    public StoredModel get(String id) {
        // The owner check runs on every call, cached model or not. Another owner's model answers exactly
        // as an unknown one, also as a warm start inside a job spec.
        Caller caller = Caller.current();
        return cache.get(id, repository::find)
                .filter(owned -> caller.sees(owned.owner()))
                .map(ModelRepository.Owned::model)
                .orElseThrow(() -> new ModelNotFoundException(id));
    }

    /**
     * A page of models, newest first: with {@code weights}, whole models ({@link #pageWithWeights}), else
     * summaries, at most {@code limit}. A cursor of either serves both: they page the same models.
     */
    PageCursor.Page<ModelDocument> page(String owner, String cursor, int limit, boolean weights) {
        Owners.Listing listing = owners.listing("models", owner, cursor);
        if (weights) {
            return pageWithWeights(listing, limit);
        }
        return listing.page(
                repository.page(listing.owner(), listing.after(), limit + 1),
                limit,
                ModelDocument::createdAt,
                ModelDocument::id);
    }

    /**
     * A page of whole models, weights included, newest first: at most {@code limit}, and no more than
     * fit in {@link #LIST_PARAMETERS} parameters together (at least one, however large), so that a
     * page of large models stays a bounded answer; {@code nextCursor} goes on after the last one.
     */
    private PageCursor.Page<ModelDocument> pageWithWeights(Owners.Listing listing, int limit) {
        List<ModelDocument> summaries = repository.page(listing.owner(), listing.after(), limit + 1);
        List<String> ids = new ArrayList<>();
        long parameters = 0;
        int examined = 0;
        for (; examined < Math.min(limit, summaries.size()); examined++) {
            ModelDocument summary = summaries.get(examined);
            long count = Network.parameterCount(
                    summary.layerSizes().stream().mapToInt(Integer::intValue).toArray(), summary.bias());
            if (!ids.isEmpty() && parameters + count > LIST_PARAMETERS) {
                break;
            }
            parameters += count;
            ids.add(summary.id());
        }
        // One query for the page, read past the cache: a listing must not push out the models that
        // predictions keep warm. A model deleted since the summaries were read is left out.
        Map<String, ModelRepository.Owned> whole = repository.findAll(ids);
        List<ModelDocument> items = new ArrayList<>();
        for (String id : ids) {
            ModelRepository.Owned owned = whole.get(id);
            if (owned != null) {
                items.add(ModelDocument.from(owned.model()));
            }
        }
        if (examined == summaries.size()) {
            return new PageCursor.Page<>(items, null);
        }
        ModelDocument last = summaries.get(examined - 1);
        return new PageCursor.Page<>(items, listing.cursorAfter(last.createdAt(), last.id()));
    }

    /**
     * Whether a model a job is about to be queued to warm-start from is still there: asked again under
     * the lock that admits jobs, which a deletion takes too ({@link ModelUsage}), so a model deleted
     * after the job's spec was checked refuses the job instead of leaving it to fail at its start.
     * Read from the database, past the cache, which may still hold a model another instance deleted.
     */
    public boolean stillThere(String id) {
        return repository.exists(id);
    }

    /**
     * @throws ModelInUseException when an alias points to it, or a queued or running job warm-starts
     *     from it (checked first for a clear message; the aliases' foreign key refuses the delete anyway
     *     when an alias is set at the same moment, and a job queued at the same moment finds no model)
     */
    void delete(String id) {
        // Another owner's model answers 404 before anything is said about its aliases or jobs.
        String jobId = get(id).jobId();
        Caller caller = Caller.current();
        try {
            // Under the model's row lock, which setting an alias takes too: an alias set meanwhile is
            // either seen here (409) or finds no model (400), never left pointing at a deleted one.
            transaction.executeWithoutResult(status -> {
                if (!aliases.lockModel(id)) {
                    throw new ModelNotFoundException(id);
                }
                List<AliasRepository.Pointer> pointers = aliases.pointingTo(id);
                // Under the lock that admits jobs, held to the end of this transaction: a job queued
                // meanwhile is either seen here (409) or finds no model when queued (400), never left
                // to fail at its start for want of its starting weights.
                List<ModelUsage.WarmStart> warmStarts = new ArrayList<>();
                usages.forEach(usage -> warmStarts.addAll(usage.activeWarmStartsOf(id)));
                if (!pointers.isEmpty() || !warmStarts.isEmpty()) {
                    throw new ModelInUseException(id, pointers, warmStarts, caller);
                }
                if (!repository.delete(id, caller.onlyOwner())) {
                    throw new ModelNotFoundException(id);
                }
                // The job that trained it no longer names it (JobService.modelDeleted), in this transaction.
                events.publishEvent(new ModelDeleted(id, jobId));
            });
        } catch (DataIntegrityViolationException e) {
            throw new ModelInUseException(id, aliases.pointingTo(id), List.of(), caller);
        } finally {
            // After the row is gone (or a delete on another instance beat this one): the next request
            // reads the database and answers 404.
            cache.evict(id);
        }
    }
}
