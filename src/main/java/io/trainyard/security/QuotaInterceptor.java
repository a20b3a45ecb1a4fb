package io.trainyard.security;

import java.time.Duration;
import java.util.Set;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.trainyard.system.DryRunQuery;
import io.trainyard.system.ProblemTypes;
import io.trainyard.system.QuotaExceededException;
import io.trainyard.system.TooManyRequestsException;

/**
 * Per-owner quotas, checked before the handler runs (so the answers go through the one
 * problem+json advice): the request rate on every request (an event stream counts once, when it is
 * opened), active jobs on submits (at least one; {@link ActiveJobsQuota}), stored bytes on everything that stores. Admin keys are exempt.
 *
 * <p>A dry run ({@code ?dryRun=true}) stores and queues nothing, so only the rate applies to it: an
 * owner whose jobs fill the quota can still check the next spec or sweep (its limits, its memory)
 * while they run.
 */
class QuotaInterceptor implements HandlerInterceptor {

    private static final Set<String> SUBMITS = Set.of("/jobs", "/sweeps");
    private static final Set<String> STORES = Set.of("/jobs", "/sweeps", "/datasets", "/models");

    private final QuotaProperties quota;
    private final Usage usage;
    private final ActiveJobsQuota activeJobs;
    private final RateLimiterConfig rate;
    private final Duration refill;
    private final Cache<String, RateLimiter> limiters = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000)
            .build();

    QuotaInterceptor(QuotaProperties quota, Usage usage, ActiveJobsQuota activeJobs) {
        this.quota = quota;
        this.usage = usage;
        this.activeJobs = activeJobs;
        // A token bucket of `burst` permits refilled every burst/rate seconds: `rate` per second on average,
        // `burst` at once.
        this.refill =
                Duration.ofNanos(Math.max(1, (long) (1e9 * quota.burst() / Math.max(1, quota.requestsPerSecond()))));
        this.rate = RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, quota.burst()))
                .limitRefreshPeriod(refill)
                .timeoutDuration(Duration.ZERO)
                .build();
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
        RateLimiter limiter = limiters.get(caller.name(), name -> RateLimiter.of(name, rate));
        if (!limiter.acquirePermission()) {
            throw new TooManyRequestsException(
                    ProblemTypes.RATE_LIMITED,
                    "Too many requests",
                    "More than " + quota.requestsPerSecond() + " requests per second (bursts of " + quota.burst()
                            + ") from '" + caller.name() + "' (trainyard.quota.requests-per-second, "
                            + "trainyard.quota.burst); slow down.",
                    roundedUp(untilNextPermits(limiter)));
        }
        String path = Endpoints.path(request);
        if (!"POST".equals(request.getMethod()) || !STORES.contains(path)) {
            return true;
        }
        if (SUBMITS.contains(path) && DryRunQuery.requested(request)) {
            return true; // only the submits have a dry run: elsewhere the parameter would store anyway
        }
        if (SUBMITS.contains(path)) {
            // Every submit adds at least one job: refused here before its body is read. A sweep's members
            // are counted once it is expanded (JobService.submitAll).
            if ("/sweeps".equals(path)) {
                activeJobs.admitSweepOfUnknownSize(caller);
            } else {
                activeJobs.admit(caller, 1);
            }
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

    /**
     * When the caller's bucket is next refilled: what Retry-After should say. The whole refill period
     * would be right only for a request refused at the very start of it, and a client that honours the
     * header would wait up to that much too long.
     */
    private Duration untilNextPermits(RateLimiter limiter) {
        if (limiter instanceof AtomicRateLimiter atomic) {
            long nanos = atomic.getDetailedMetrics().getNanosToWait();
            if (nanos > 0) {
                return Duration.ofNanos(Math.min(nanos, refill.toNanos()));
            }
        }
        return refill;
    }

    private static Duration roundedUp(Duration duration) {
        return Duration.ofSeconds(Math.max(1, (duration.toMillis() + 999) / 1000));
    }
}
