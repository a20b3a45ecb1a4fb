package io.trainyard.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.util.OnCommittedResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a storing request's quota reservation ({@link StoringRequests}) just before its answer is
 * committed, not after the request has completed. A handler interceptor's {@code afterCompletion}
 * runs after the answer has been flushed to the client, so a script that sent its next upload the
 * moment it read a 201 or a 400 could find the previous upload still reserved and get a 403 on a quota
 * it was within (CI, session 33). Whatever the request stored is committed by then: its transaction,
 * and {@link IdempotencyFilter}'s, end before the answer is written, which is why this filter wraps the
 * response outside that one.
 *
 * <p>Only {@code POST} and {@code PUT} can store; other requests pass unwrapped.
 */
final class ReservationEndsWithTheAnswer extends OncePerRequestFilter {

    private final QuotaInterceptor quotas;

    ReservationEndsWithTheAnswer(QuotaInterceptor quotas) {
        this.quotas = quotas;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !"POST".equals(method) && !"PUT".equals(method);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new OnCommittedResponseWrapper(response) {
            @Override
            protected void onResponseCommitted() {
                quotas.endReservation(request);
            }
        });
    }
}
