package io.trainyard.system;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets only so many large request bodies be read at once, so that concurrent uploads cannot fill
 * the heap between them.
 *
 * <p><b>Why.</b> {@code max-request-size} bounds one body's bytes, not what reading it costs: a JSON
 * body is turned into objects before its numbers can be counted, and 64 MiB of short numbers
 * ({@code "y": [0.5, 0.5, …]}, or {@code [[1], [1], …]}) become about ten times that in nodes and
 * row arrays. Four such requests at once ran a 1 GB heap out of memory (a 500 for one of them, an
 * {@code OutOfMemoryError} in whatever else was allocating). A body over
 * {@code trainyard.limits.large-request-size}, or of unknown length (chunked), waits here for one of
 * {@code trainyard.limits.concurrent-large-requests} permits (by default one per 16 × the largest
 * body the heap holds: 6 with a 6 GB heap and 64 MiB bodies, never fewer than 1); one that has not
 * got one after {@code large-request-wait} is answered {@code 503} with {@code Retry-After}, its body
 * unread. Small requests never wait.
 *
 * <p>Runs after authentication (Spring Security's filters come first), so an anonymous client
 * cannot hold the permits; it is counted for a whole request, the body's reading and the answer.
 */
@Component
@Order(0)
class LargeBodyGate extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LargeBodyGate.class);

    /** A large body's reading costs up to about this many times its size in heap (measured ≈ 10). */
    static final int EXPANSION = 16;

    private final long largeBytes;
    private final int permits;
    private final long waitNanos;
    private final Semaphore gate;

    LargeBodyGate(TrainyardProperties properties) {
        TrainyardProperties.Limits limits = properties.limits();
        this.largeBytes = limits.largeRequestSize().toBytes();
        this.permits = limits.concurrentLargeRequests() > 0
                ? limits.concurrentLargeRequests()
                : defaultPermits(
                        Runtime.getRuntime().maxMemory(),
                        limits.maxRequestSize().toBytes());
        this.waitNanos = limits.largeRequestWait().toNanos();
        this.gate = new Semaphore(permits, true);
    }

    /** One permit per {@link #EXPANSION} × the largest body the heap holds, at least one. */
    static int defaultPermits(long maxHeap, long maxBody) {
        long perRequest = Math.max(1, maxBody) * EXPANSION;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxHeap / perRequest));
    }

    int permits() {
        return permits;
    }

    /** Permits free now (tests wait on it). */
    int available() {
        return gate.availablePermits();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isLarge(request)) {
            chain.doFilter(request, response);
            return;
        }
        boolean admitted;
        try {
            admitted = gate.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            log.warn(
                    "Large request {} {} refused: {} large bodies are being read already (trainyard.limits.concurrent-large-requests)",
                    request.getMethod(),
                    request.getRequestURI(),
                    permits);
            refuse(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            gate.release();
        }
    }

    private boolean isLarge(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared >= 0) {
            return declared > largeBytes;
        }
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", "5");
        // The body was not read: the connection cannot be reused for another request.
        response.setHeader("Connection", "close");
        FilterProblems.write(
                request,
                response,
                503,
                ProblemTypes.SERVICE_UNAVAILABLE,
                "Service unavailable",
                permits + " request bodies over " + largeBytes + " bytes are being read already, the most this "
                        + "instance reads at once (trainyard.limits.concurrent-large-requests); send it again in "
                        + "a few seconds.");
    }
}
