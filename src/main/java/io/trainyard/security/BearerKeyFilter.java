package io.trainyard.security;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

import io.trainyard.system.DatabaseFailures;

/**
 * Turns {@code Authorization: Bearer <key>} into a {@link Caller} in the security context. A missing
 * or bad key leaves the request anonymous; the authorization rules then answer 401 where a key is
 * needed. Keys are never read from the query string.
 *
 * <p>A key that is not in the cache is looked up in the database. When the database cannot be
 * reached, or cannot write (a full disk: H2's "General error" around a failed write, which Spring
 * leaves uncategorised and which was answered 500), the request is answered through the one problem
 * advice (503 with {@code Retry-After}), as it would be past this filter: thrown from here, the
 * servlet container also logged it as an error with a stack trace for every such request while the
 * outage lasted.
 *
 * <p>What anyone may read without a key (health, the dashboard's files, the API documentation) is
 * served without looking a presented key up: its answer is the same with or without one, and the
 * look-up made the liveness probe of a monitor that sends its key depend on the database (a 503 during
 * an outage once the key had left the cache, or a wait for the pool's connection timeout), so an
 * orchestrator would restart an instance that a restart cannot mend.
 */
class BearerKeyFilter extends OncePerRequestFilter {

    private final ApiKeys keys;
    private final boolean enabled;
    private final HandlerExceptionResolver problems;
    private final Predicate<HttpServletRequest> needsNoKey;

    BearerKeyFilter(
            ApiKeys keys,
            boolean enabled,
            HandlerExceptionResolver problems,
            Predicate<HttpServletRequest> needsNoKey) {
        this.keys = keys;
        this.enabled = enabled;
        this.problems = problems;
        this.needsNoKey = needsNoKey;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (enabled && needsNoKey.test(request)) {
            chain.doFilter(request, response);
            return;
        }
        Caller caller;
        try {
            caller = enabled ? presented(request) : Caller.LOCAL;
        } catch (RuntimeException e) {
            if (!DatabaseFailures.isTransient(e)) {
                throw e;
            }
            problems.resolveException(request, response, null, e);
            return;
        }
        if (caller != null) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                    caller,
                    null,
                    List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name()))));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }

    private Caller presented(HttpServletRequest request) {
        if (headerCount(request) > 1) {
            // Which of two keys a request meant is not for the server to guess (it took the first).
            return null;
        }
        String header = request.getHeader("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return keys.verify(header.substring(7).trim()).orElse(null);
    }

    /** How many Authorization headers the request carries. */
    static int headerCount(HttpServletRequest request) {
        int count = 0;
        for (var headers = request.getHeaders("Authorization"); headers.hasMoreElements(); headers.nextElement()) {
            count++;
        }
        return count;
    }

    /** Async dispatches (the end of an event stream) need the caller too. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
