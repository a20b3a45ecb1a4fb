package io.trainyard.security;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <key>} into a {@link Caller} in the security context. A missing
 * or bad key leaves the request anonymous; the authorization rules then answer 401 where a key is
 * needed. Keys are never read from the query string.
 */
class BearerKeyFilter extends OncePerRequestFilter {

    private final ApiKeys keys;
    private final boolean enabled;

    BearerKeyFilter(ApiKeys keys, boolean enabled) {
        this.keys = keys;
        this.enabled = enabled;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller = enabled ? presented(request) : Caller.LOCAL;
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
        String header = request.getHeader("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return keys.verify(header.substring(7).trim()).orElse(null);
    }

    /** Async dispatches (the end of an event stream) need the caller too. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
