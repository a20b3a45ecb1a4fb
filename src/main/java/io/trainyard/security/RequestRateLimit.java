package io.trainyard.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

import io.trainyard.system.ProblemTypes;
import io.trainyard.system.TooManyRequestsException;

/**
 * Each owner's request rate ({@code trainyard.quota.requests-per-second} with bursts of
 * {@code trainyard.quota.burst}, a {@link RequestRate token bucket}); beyond it a 429 with
 * {@code Retry-After}, the whole seconds until a token is back. Admin keys are exempt.
 *
 * <p>A filter, right after authentication and {@link ConcurrentRequestsLimit} and before anything
 * else reads the request: {@code system/LargeBodyGate}, and {@link IdempotencyFilter}, which reads
 * and hashes a keyed body and answers replays itself. As a handler interceptor the limit came after
 * both, so an owner over its rate still had its replays (and its 409s and 422s) served and its keyed
 * bodies of up to {@code max-request-size} read. An event stream counts once, when it is opened: its
 * asynchronous end is no request of its own (filtered once per request).
 */
@Component
@Order(-1)
class RequestRateLimit extends OncePerRequestFilter {

    private final QuotaProperties quota;
    private final RequestRate rate;
    private final HandlerExceptionResolver problems;

    RequestRateLimit(QuotaProperties quota, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.quota = quota;
        this.rate = new RequestRate(quota.requestsPerSecond(), quota.burst(), System::nanoTime);
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller) || caller.isAdmin()) {
            chain.doFilter(request, response);
            return;
        }
        Duration wait = rate.take(caller.name());
        if (wait.isZero()) {
            chain.doFilter(request, response);
            return;
        }
        // The body is left to ConcurrentRequestsLimit, which reads (or abandons) what a refused request sent
        // while it still counts against the owner.
        problems.resolveException(
                request,
                response,
                null,
                new TooManyRequestsException(
                        ProblemTypes.RATE_LIMITED,
                        "Too many requests",
                        "More than " + quota.requestsPerSecond() + " requests per second (bursts of " + quota.burst()
                                + ") from '" + caller.name()
                                + "' to this instance (trainyard.quota.requests-per-second, "
                                + "trainyard.quota.burst); slow down.",
                        roundedUp(wait)));
    }

    /** Whole seconds, at least 1: a client that waits that long finds a token. */
    static Duration roundedUp(Duration wait) {
        return Duration.ofSeconds(Math.max(1, (wait.toNanos() + 999_999_999L) / 1_000_000_000L));
    }
}
