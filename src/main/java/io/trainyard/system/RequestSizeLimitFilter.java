package io.trainyard.system;

import java.io.IOException;
import java.net.SocketTimeoutException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces {@code trainyard.limits.max-request-size} on every request body: at once from
 * {@code Content-Length}, and while reading for chunked bodies, so an oversized upload is refused
 * with 413 before it fills memory.
 *
 * <p>And bounds how long a body may take: a client that sends its headers and then dribbles the body
 * (a byte every few seconds, each inside the container's read timeout) held a request thread, and for a
 * large body one of the few {@link LargeBodyGate} permits, for as long as it liked; one key with a
 * few hundred such requests left other owners' requests without a thread. Once
 * {@code min-request-rate-grace} has passed, a body must have averaged {@code min-request-rate}
 * bytes per second so far, and a read that the container's own timeout ends
 * ({@code server.tomcat.connection-timeout}) counts as too slow as well: both are {@link TooSlowException},
 * answered 408.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final long minBytesPerSecond;
    private final long graceNanos;

    RequestSizeLimitFilter(TrainyardProperties properties) {
        this.maxBytes = properties.limits().maxRequestSize().toBytes();
        this.minBytesPerSecond = properties.limits().minRequestRate().toBytes();
        this.graceNanos = properties.limits().minRequestRateGrace().toNanos();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        String coding = request.getHeader("Content-Encoding");
        if (coding != null
                && !coding.isBlank()
                && !"identity".equalsIgnoreCase(coding.trim())
                && (declared > 0 || request.getHeader("Transfer-Encoding") != null)) {
            // Bodies are read as sent: a gzip body was parsed as its compressed bytes and answered with a
            // puzzling "illegal character (code 31)". RFC 9110: 415 for a content coding not supported.
            response.setHeader("Accept-Encoding", "identity");
            FilterProblems.write(
                    request,
                    response,
                    415,
                    ProblemTypes.UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported Media Type",
                    "Content-Encoding '" + (coding.length() > 40 ? coding.substring(0, 40) + "…" : coding)
                            + "' is not supported: send the body uncompressed (without Content-Encoding).");
            return;
        }
        if (declared > maxBytes) {
            FilterProblems.write(
                    request, response, 413, ProblemTypes.PAYLOAD_TOO_LARGE, "Payload too large", message());
            return;
        }
        chain.doFilter(new LimitedRequest(request), response);
    }

    private String message() {
        return "The request body is larger than " + maxBytes + " bytes (trainyard.limits.max-request-size).";
    }

    /** Thrown while reading a body that turns out larger than the limit. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** Thrown while reading a body that arrives too slowly, or stalls past the container's read timeout. */
    static final class TooSlowException extends IOException {
        TooSlowException(String message) {
            super(message);
        }
    }

    private final class LimitedRequest extends HttpServletRequestWrapper {

        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), this);
            }
            return stream;
        }
    }

    private final class LimitedStream extends ServletInputStream {

        private final ServletInputStream delegate;
        private final HttpServletRequest request;
        private long read;
        /** When the body's reading began (the first read), for the rate. */
        private long started;

        LimitedStream(ServletInputStream delegate, HttpServletRequest request) {
            this.delegate = delegate;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            start();
            int b;
            try {
                b = delegate.read();
            } catch (IOException e) {
                throw stalledOr(e);
            }
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            start();
            int n;
            try {
                n = delegate.read(buffer, offset, length);
            } catch (IOException e) {
                throw stalledOr(e);
            }
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void start() {
            if (started == 0) {
                started = System.nanoTime() | 1; // never 0, which means "not yet"
                // This first read asks Tomcat for the 100 Continue a client with Expect: 100-continue waits for.
                request.setAttribute(AbandonedBodies.READING, Boolean.TRUE);
            }
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > maxBytes) {
                throw new TooLargeException(message());
            }
            if (minBytesPerSecond > 0) {
                long elapsed = System.nanoTime() - started;
                // read / rate seconds are due for what has come; the grace is for the connection's start.
                if (elapsed > graceNanos && (double) read * 1e9 / minBytesPerSecond < elapsed - graceNanos) {
                    throw abandon(new TooSlowException("The request body arrived too slowly: " + read + " bytes in "
                            + elapsed / 1_000_000 + " ms, less than " + minBytesPerSecond
                            + " bytes per second after the first " + graceNanos / 1_000_000
                            + " ms (trainyard.limits.min-request-rate); send it at once."));
                }
            }
        }

        /** A read the container's timeout ended (Tomcat wraps it) is too slow; any other failure is itself. */
        private IOException stalledOr(IOException failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof SocketTimeoutException) {
                    return abandon(new TooSlowException("The request body stopped arriving: nothing came for the "
                            + "server's read timeout (server.tomcat.connection-timeout) after " + read
                            + " bytes; send it at once."));
                }
            }
            return failure;
        }

        /** The rest of this body is not read: the connection closes after the answer ({@link AbandonedBodies}). */
        private TooSlowException abandon(TooSlowException tooSlow) {
            request.setAttribute(AbandonedBodies.ATTRIBUTE, Boolean.TRUE);
            return tooSlow;
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
