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
 * everything that stores, reserving each admitted request's body length until it ends so that
 * requests arriving together do not all pass on the same usage ({@link StoringRequests}). Admin keys
 * are exempt. The request rate is checked earlier, by
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

    /** {@code PUT /aliases/{name}} stores too: the alias, and one more row of its history every time. */
    private static final String ALIASES = "/aliases/";

    /** The request attribute holding an admitted request's reservation, released when it completes. */
    private static final String RESERVED = QuotaInterceptor.class.getName() + ".reserved";

    private record Reserved(String owner, long bytes) {}

    private final QuotaProperties quota;
    private final Usage usage;
    private final ActiveJobsQuota activeJobs;
    private final StoringRequests storing;
    private final long maxRequestSize;

    QuotaInterceptor(
            QuotaProperties quota,
            Usage usage,
            ActiveJobsQuota activeJobs,
            StoringRequests storing,
            long maxRequestSize) {
        this.quota = quota;
        this.usage = usage;
        this.activeJobs = activeJobs;
        this.storing = storing;
        this.maxRequestSize = maxRequestSize;
    }

    /** Whether the request stores something for its owner (before dry runs are told apart). */
    static boolean stores(String method, String path) {
        return ("POST".equals(method) && STORES.contains(path))
                || ("PUT".equals(method) && path.startsWith(ALIASES) && path.indexOf('/', ALIASES.length()) < 0);
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
        if (!stores(request.getMethod(), path)) {
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
        long max = quota.maxStoredBytes().toBytes();
        // What the body may add is not known before it is read: its declared length stands for it (a
        // chunked body, of unknown length, for the most it may be).
        long declared = request.getContentLengthLong();
        long bytes = declared < 0 ? maxRequestSize : Math.min(declared, maxRequestSize);
        StoringRequests.Admission admission =
                storing.admit(caller.name(), bytes, max, () -> usage.storedBytes(caller.name()));
        if (!admission.admitted()) {
            throw new QuotaExceededException(refusal(caller.name(), admission, max), admission.stored(), max);
        }
        request.setAttribute(RESERVED, new Reserved(caller.name(), bytes));
        return true;
    }

    private static String refusal(String owner, StoringRequests.Admission admission, long max) {
        String inProgress = admission.reserved() == 0
                ? ""
                : ", and its requests still in progress on this instance may add up to " + admission.reserved()
                        + " more (their bodies' lengths)";
        return "'" + owner + "' stores " + admission.stored() + " bytes of data sets, models, aliases and histories"
                + inProgress + "; the quota is " + max + " bytes (trainyard.quota.max-stored-bytes). "
                + (admission.reserved() == 0
                        ? "Delete jobs, models or data sets to make room."
                        : "Retry once they have ended, or delete jobs, models or data sets to make room.");
    }

    /**
     * Ends the reservation of an admitted request, whether it stored anything or failed, if it has not
     * ended yet: normally as its answer is committed ({@link ReservationEndsWithTheAnswer}), here for an
     * answer that was never committed through the filter's wrapper.
     */
    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception failure) {
        endReservation(request);
    }

    /** Ends the request's reservation, once; nothing if it had none. */
    void endReservation(HttpServletRequest request) {
        if (request.getAttribute(RESERVED) instanceof Reserved reserved) {
            request.removeAttribute(RESERVED);
            storing.release(reserved.owner(), reserved.bytes());
        }
    }
}
