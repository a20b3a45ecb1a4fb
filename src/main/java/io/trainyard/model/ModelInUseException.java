package io.trainyard.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.trainyard.security.Caller;
import io.trainyard.system.ConflictException;

/**
 * A model that an alias points to, or that a queued or running job warm-starts from, cannot be
 * deleted (409). What the caller can see is named with what to do (its own aliases; the jobs it may
 * cancel, and their sweeps); another owner's aliases and jobs are only counted: their names are not
 * the caller's to know, and only their owner or an admin can change them.
 */
class ModelInUseException extends ConflictException {

    /** At most this many job ids are named; the rest are counted. */
    private static final int NAMED_JOBS = 5;

    ModelInUseException(
            String id, List<AliasRepository.Pointer> aliases, List<ModelUsage.WarmStart> jobs, Caller caller) {
        super(message(id, aliases, jobs, caller));
    }

    private static String message(
            String id, List<AliasRepository.Pointer> aliases, List<ModelUsage.WarmStart> jobs, Caller caller) {
        List<String> parts = new ArrayList<>();
        List<String> own = aliases.stream()
                .filter(a -> a.owner().equals(caller.name()))
                .map(AliasRepository.Pointer::name)
                .toList();
        if (!own.isEmpty()) {
            parts.add((own.size() == 1 ? "your alias '" + own.get(0) + "' points" : "your aliases " + own + " point")
                    + " to it; point " + (own.size() == 1 ? "it" : "them")
                    + " at another model (PUT /aliases/{name}) or delete " + (own.size() == 1 ? "it" : "them")
                    + " first.");
        }
        long otherAliases = aliases.size() - own.size();
        if (otherAliases > 0) {
            parts.add((otherAliases == 1
                            ? "an alias of another owner points"
                            : otherAliases + " aliases of other owners point")
                    + " to it; only their owner or an admin can move " + (otherAliases == 1 ? "it." : "them."));
        }
        List<ModelUsage.WarmStart> visible =
                jobs.stream().filter(j -> caller.sees(j.owner())).toList();
        if (!visible.isEmpty()) {
            parts.add(warmStarts(visible));
        }
        long otherJobs = jobs.size() - visible.size();
        if (otherJobs > 0) {
            parts.add((otherJobs == 1
                            ? "a queued or running job of another owner warm-starts"
                            : otherJobs + " queued or running jobs of other owners warm-start")
                    + " from it; only their owner or an admin can cancel " + (otherJobs == 1 ? "it." : "them."));
        }
        StringBuilder text = new StringBuilder("Model ").append(id).append(" is in use: ");
        for (int i = 0; i < parts.size(); i++) {
            text.append(i == 0 ? parts.get(i) : " Also, " + parts.get(i));
        }
        return text.toString();
    }

    /** The jobs by id (a sweep's named once), and how to free the model: the same advice as a data set's. */
    private static String warmStarts(List<ModelUsage.WarmStart> jobs) {
        List<String> ids = jobs.stream().map(ModelUsage.WarmStart::jobId).toList();
        List<String> sweeps = jobs.stream()
                .map(ModelUsage.WarmStart::sweepId)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        String named = ids.size() <= NAMED_JOBS
                ? ids.toString()
                : ids.subList(0, NAMED_JOBS) + " and " + (ids.size() - NAMED_JOBS) + " more";
        String text = (ids.size() == 1 ? "the queued or running job " : ids.size() + " queued or running jobs ") + named
                + (ids.size() == 1 ? " warm-starts" : " warm-start") + " from it";
        if (!sweeps.isEmpty()) {
            boolean allMembers = jobs.stream().allMatch(j -> j.sweepId() != null);
            text += " (" + (allMembers ? "" : "some of them ") + "members of "
                    + (sweeps.size() == 1 ? "sweep " + sweeps.get(0) : "sweeps " + sweeps) + ")";
        }
        return text + "; cancel " + (ids.size() == 1 ? "it" : "them") + " (POST /jobs/{id}/cancel"
                + (sweeps.isEmpty() ? "" : ", or POST /sweeps/{id}/cancel for a whole sweep")
                + ") or wait until " + (ids.size() == 1 ? "it finishes" : "they finish") + ", then delete the model.";
    }
}
