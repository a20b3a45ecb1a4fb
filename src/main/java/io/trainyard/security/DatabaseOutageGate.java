package io.trainyard.security;

import java.io.IOException;
import java.util.function.Predicate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

import io.trainyard.system.DatabaseReachability;

/**
 * Answers API requests 503 with {@code Retry-After} at once while the readiness check finds the
 * database unreachable. Every such request used to wait for a pool connection, on its key's look-up
 * and again in its handler, for the pool's whole connection timeout (30 s; 50 s measured): each held
 * a request thread that long, so retrying clients could use them all up, and a Prometheus scrape
 * timed out exactly during an outage.
 *
 * <p>It runs before the key is checked, which needs the database. What needs no database passes: health
 * (readiness then says DOWN), the dashboard's files and the API documentation. The answer is the one
 * problem advice's (the same as a request that met the outage itself), so clients see no difference
 * but the wait. The workers are not affected: they keep their own retries against the pool.
 */
class DatabaseOutageGate extends OncePerRequestFilter {

    private final DatabaseReachability database;
    private final Predicate<HttpServletRequest> needsNoDatabase;
    private final HandlerExceptionResolver problems;

    DatabaseOutageGate(
            DatabaseReachability database,
            Predicate<HttpServletRequest> needsNoDatabase,
            HandlerExceptionResolver problems) {
        this.database = database;
        this.needsNoDatabase = needsNoDatabase;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!needsNoDatabase.test(request)) {
            DataAccessResourceFailureException outage = database.outage().orElse(null);
            if (outage != null) {
                problems.resolveException(request, response, null, outage);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
