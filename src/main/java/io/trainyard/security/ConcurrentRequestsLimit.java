package io.trainyard.security;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

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

import io.trainyard.system.AbandonedBodies;
import io.trainyard.system.ProblemTypes;
import io.trainyard.system.TooManyRequestsException;

/**
 * At most {@code trainyard.quota.max-concurrent-requests} requests of one owner are handled at the
 * same moment; beyond that the owner's next request is answered 429 with {@code Retry-After} at once.
 *
 * <p><b>Why.</b> The request rate ({@code requests-per-second} with its burst of 100) counts requests
 * when they begin, not how long they last. Every request holds one of the server's request threads
 * (200) while its body is read: one key that opened 250 uploads and sent their bodies a byte at a time
 * held all of them, and every other owner's requests, {@code GET /jobs/{id}} included, waited until
 * the read timeouts ended the uploads. With this limit one owner holds at most this many threads. It
 * comes after authentication (the owner is known) and before {@link RequestRateLimit} and
 * {@code system/LargeBodyGate}, so that a refused request does not queue for a large-body permit
 * either, and a request the rate refuses has its body read (or abandoned) here, still counted. Admin keys are exempt, as from every
 * quota. An event stream counts only while it is being opened: it holds no thread while it streams.
 *
 * <p><b>Per instance.</b> Counted in this instance's memory: the threads it protects are this
 * instance's, so an owner may have this many requests in hand on each instance sharing a database.
 */
@Component
@Order(-2)
class ConcurrentRequestsLimit extends OncePerRequestFilter {

    private final int max;
    private final HandlerExceptionResolver problems;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    ConcurrentRequestsLimit(
            QuotaProperties quota, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.max = quota.maxConcurrentRequests();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (max <= 0
                || authentication == null
                || !(authentication.getPrincipal() instanceof Caller caller)
                || caller.isAdmin()) {
            chain.doFilter(request, response);
            return;
        }
        String owner = caller.name();
        if (!admit(owner)) {
            // Over its limit already: this request's body is not read, nor swallowed by Tomcat after the
            // answer (which would hold a thread as long as a slow body takes, uncounted).
            AbandonedBodies.abandon(request);
            problems.resolveException(
                    request,
                    response,
                    null,
                    new TooManyRequestsException(
                            ProblemTypes.TOO_MANY_REQUESTS,
                            "Too many requests",
                            "'" + owner + "' has " + max + " requests being handled by this instance already, the most "
                                    + "one owner may have at once on one instance (trainyard.quota.max-concurrent-requests); send this one when "
                                    + "one of them is answered.",
                            Duration.ofSeconds(1)));
            return;
        }
        try {
            chain.doFilter(request, response);
            // A body its handler did not read (refused, or not needed) is read here, still counted
            // against the owner, instead of by Tomcat after the answer where a slow one went uncounted.
            AbandonedBodies.drainOrAbandon(request);
        } finally {
            inFlight.computeIfPresent(owner, (name, count) -> count <= 1 ? null : count - 1);
        }
    }

    /** Counts one more request of {@code owner} unless it has {@link #max} already (atomic per owner). */
    private boolean admit(String owner) {
        boolean[] admitted = {false};
        inFlight.compute(owner, (name, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    /** Requests of {@code owner} being handled now (tests wait on it). */
    int inFlight(String owner) {
        return inFlight.getOrDefault(owner, 0);
    }
}
