package io.trainyard.security;

import java.time.Duration;
import java.util.OptionalInt;

import org.springframework.stereotype.Component;

import io.trainyard.system.ProblemTypes;
import io.trainyard.system.TooManyRequestsException;

/**
 * The per-owner cap on queued plus running jobs ({@code trainyard.quota.max-active-jobs}). A sweep
 * counts with all its members: it is admitted only when the owner's active jobs plus the members fit,
 * checked before anything of it is stored. Admin keys are exempt.
 */
@Component
public class ActiveJobsQuota {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final QuotaProperties quota;
    private final Usage usage;

    ActiveJobsQuota(QuotaProperties quota, Usage usage) {
        this.quota = quota;
        this.usage = usage;
    }

    /**
     * The most jobs the current caller may ever have queued or running at once, whatever finishes:
     * a sweep with more members than this can never be admitted, so it is refused as too large (a
     * 400 that says to split it) rather than with a 429 whose Retry-After could never come true.
     *
     * @return empty for an admin key, which is exempt
     */
    public OptionalInt ceiling() {
        return Caller.current().isAdmin() ? OptionalInt.empty() : OptionalInt.of(quota.maxActiveJobs());
    }

    /**
     * Refuses {@code count} more jobs for the current caller when they would take its active jobs over
     * the quota.
     *
     * @throws TooManyRequestsException (429 with Retry-After) naming the usage, the count and the quota
     */
    public void admit(int count) {
        admit(Caller.current(), count);
    }

    void admit(Caller caller, int count) {
        String adding = (count == 1 ? "one more" : count + " more (one per sweep member)") + " would make";
        if (caller.isAdmin()) {
            return;
        }
        int active = usage.activeJobs(caller.name());
        int max = quota.maxActiveJobs();
        if (active + count > max) {
            throw new TooManyRequestsException(
                    ProblemTypes.TOO_MANY_ACTIVE_JOBS,
                    "Too many active jobs",
                    "'" + caller.name() + "' has " + active + " queued or running jobs; " + adding + " "
                            + (active + count) + ", over the " + max + " one owner may have "
                            + "(trainyard.quota.max-active-jobs); submit again once some have finished.",
                    RETRY_AFTER);
        }
    }
}
