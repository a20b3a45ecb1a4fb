package io.trainyard.security;

import java.util.Set;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;

import io.trainyard.system.DryRunQuery;
import io.trainyard.system.QuotaExceededException;

/**
 * Per-owner quotas, checked before the handler runs (so the answers go through the one
 * problem+json advice): active jobs on job submits (one; {@link ActiveJobsQuota}), stored bytes on
 * everything that stores. Admin keys are exempt. The request rate is checked earlier, by
 * {@link RequestRateLimit}, before any filter reads the body.
 *
 * <p>A sweep's active jobs are not counted here but by {@code SweepService}, once its body is
 * checked: a sweep with more members than the whole quota can never be admitted and is a 400 on
 * {@code grid} whatever the owner's jobs are doing, which only its body tells. Refused here while
 * the quota was full, it got a 429 whose Retry-After no wait could honour. The sweep's check comes
 * right after validation, before anything is stored or any data set is read.
 *
 * <p>A dry run ({@code ?dryRun=true}) stores and queues nothing, so only the rate applies to it: an
 * owner whose jobs fill the quota can still check the next spec or sweep (its limits, its memory)
 * while they run.
 */
class QuotaInterceptor implements HandlerInterceptor {

    private static final Set<String> SUBMITS = Set.of("/jobs", "/sweeps");
    /** Submits that add exactly one job, known before the body is read. */
    private static final String ONE_JOB = "/jobs";

    private static final Set<String> STORES = Set.of("/jobs", "/sweeps", "/datasets", "/models");

    private final QuotaProperties quota;
    private final Usage usage;
    private final ActiveJobsQuota activeJobs;

    QuotaInterceptor(QuotaProperties quota, Usage usage, ActiveJobsQuota activeJobs) {
        this.quota = quota;
        this.usage = usage;
        this.activeJobs = activeJobs;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            return true; // the async end of an event stream is not a second request
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller) || caller.isAdmin()) {
            return true;
        }
        String path = Endpoints.path(request);
        if (!"POST".equals(request.getMethod()) || !STORES.contains(path)) {
            return true;
        }
        if (SUBMITS.contains(path) && DryRunQuery.requested(request)) {
            return true; // only the submits have a dry run: elsewhere the parameter would store anyway
        }
        if (ONE_JOB.equals(path)) {
            // A job submit adds one job: refused here, before its body is read (and counted again under
            // the admission lock, JobService.admit).
            activeJobs.admit(caller, 1);
        }
        long stored = usage.storedBytes(caller.name());
        long max = quota.maxStoredBytes().toBytes();
        if (stored >= max) {
            throw new QuotaExceededException(
                    "'" + caller.name() + "' stores " + stored + " bytes of data sets, models "
                            + "and histories; the quota is " + max
                            + " bytes (trainyard.quota.max-stored-bytes). Delete jobs, "
                            + "models or data sets to make room.",
                    stored,
                    max);
        }
        return true;
    }
}
