package io.trainyard.security;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives an error dispatch whose request never passed the chain's header writer the headers of every
 * other answer ({@code nosniff}, {@code no-store}, the CSP and the rest). Tomcat refuses {@code TRACE}
 * before any filter runs and dispatches straight to {@code /error}; the header writer, like every
 * once-per-request filter, skips error dispatches (for the others it has run on the way in, and what
 * it wrote stays on the response), so the 405 went without them.
 *
 * <p>The chain's own writer is run, so the headers are exactly those of the other answers; it is shown
 * the request without its error attributes, which are what makes it skip the dispatch.
 */
class ErrorDispatchHeaders extends OncePerRequestFilter {

    private final Supplier<HeaderWriterFilter> headers;

    ErrorDispatchHeaders(Supplier<HeaderWriterFilter> headers) {
        this.headers = headers;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HeaderWriterFilter writer = headers.get();
        // Headers already there were written on the way in; a committed answer (an event stream) is under way.
        if (writer == null || response.isCommitted() || response.containsHeader("X-Content-Type-Options")) {
            chain.doFilter(request, response);
            return;
        }
        writer.doFilter(new AsFirstDispatch(request), response, (req, res) -> chain.doFilter(request, response));
    }

    /** The request without the attributes that mark an error dispatch. */
    private static final class AsFirstDispatch extends HttpServletRequestWrapper {

        AsFirstDispatch(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            return name.startsWith("jakarta.servlet.error.") ? null : super.getAttribute(name);
        }
    }
}
