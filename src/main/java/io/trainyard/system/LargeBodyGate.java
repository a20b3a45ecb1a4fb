package io.trainyard.system;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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
 * <p><b>Per owner.</b> A user key's large bodies hold at most half of the permits (at least one,
 * {@link OwnerShares}); its next one waits, within the same {@code large-request-wait}, for one of
 * its own to end, and is then answered {@code 429}. One key that dribbled five uploads had held every
 * permit, and other owners' large bodies, an admin's too, got nothing but 503s. Admin keys count
 * against no share (as against no quota), only against the permits. {@code Retry-After} says when the
 * first of the permits in the way is sure to be free: its body must have arrived by its length at
 * {@code min-request-rate} after the rate's grace ({@link RequestSizeLimitFilter}); a fixed 5 s told
 * clients to come back while the same uploads still held every permit.
 *
 * <p>Bodies under that size were read at any concurrency: thirty 3.9 MB prediction bodies of short
 * numbers at once (each under the 4 MB threshold, ≈ 40 MB once parsed) answered 500s with
 * {@code OutOfMemoryError} on a 256 MB heap. So every body over {@link #SMALL_BODY} also reserves its
 * declared length (a chunked one: {@code max-request-size}) from a budget of
 * {@code trainyard.limits.concurrent-body-bytes} (by default a sixteenth of the heap, since a body
 * costs up to {@link #EXPANSION} times its size) for the whole request, within the same wait; a body
 * larger than the whole budget waits for all of it. Requests with small bodies never wait. A user
 * key's bodies hold at most half of the budget ({@link OwnerShares}, answered {@code 429} past it, as
 * the permits): 32 dribbled 3.9 MB bodies of one key held the whole budget of a 2 GB heap.
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

    /** Bodies up to this size neither wait nor count against the byte budget. */
    static final long SMALL_BODY = 64 * 1024;

    private final long largeBytes;
    private final long maxBytes;
    private final int permits;
    private final long waitNanos;
    private final Semaphore gate;
    /** The byte budget, in KiB. */
    private final int budgetKib;

    private final Semaphore budget;

    private final RequestOwners owners;
    /** Each owner's share of the permits. */
    private final OwnerShares shares;
    /** Each owner's share of the byte budget, in KiB. */
    private final OwnerShares byteShares;

    private final Set<Holding> holdings = ConcurrentHashMap.newKeySet();
    private final long minBytesPerSecond;
    private final long graceNanos;

    /**
     * @param owners whose share a request counts against; a context without security (a controller
     *     slice) has none, and the permits are then shared by requests alone
     */
    LargeBodyGate(TrainyardProperties properties, ObjectProvider<RequestOwners> owners) {
        TrainyardProperties.Limits limits = properties.limits();
        this.owners = owners.getIfAvailable(() -> RequestOwners.NONE);
        this.minBytesPerSecond = limits.minRequestRate().toBytes();
        this.graceNanos = limits.minRequestRateGrace().toNanos();
        this.largeBytes = limits.largeRequestSize().toBytes();
        this.permits = limits.concurrentLargeRequests() > 0
                ? limits.concurrentLargeRequests()
                : defaultPermits(
                        Runtime.getRuntime().maxMemory(),
                        limits.maxRequestSize().toBytes());
        this.waitNanos = limits.largeRequestWait().toNanos();
        this.gate = new Semaphore(permits, true);
        this.shares = new OwnerShares(permits);
        this.maxBytes = limits.maxRequestSize().toBytes();
        long budgetBytes = limits.concurrentBodyBytes() != null
                ? limits.concurrentBodyBytes().toBytes()
                : Runtime.getRuntime().maxMemory() / EXPANSION;
        this.budgetKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / 1024));
        this.budget = new Semaphore(budgetKib, true);
        this.byteShares = new OwnerShares(budgetKib);
    }

    /** One permit per {@link #EXPANSION} × the largest body the heap holds, at least one. */
    static int defaultPermits(long maxHeap, long maxBody) {
        long perRequest = Math.max(1, maxBody) * EXPANSION;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxHeap / perRequest));
    }

    int permits() {
        return permits;
    }

    /** The permits one owner may hold at once. */
    int share() {
        return (int) shares.share();
    }

    /** The KiB of the byte budget one owner may hold at once. */
    long byteShare() {
        return byteShares.share();
    }

    /** Permits free now (tests wait on it). */
    int available() {
        return gate.availablePermits();
    }

    /** KiB of the byte budget free now (tests wait on it). */
    int availableKib() {
        return budget.availablePermits();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean large = isLarge(request);
        int kib = budgetKib(request);
        if (!large && kib == 0) {
            chain.doFilter(request, response);
            return;
        }
        long deadline = System.nanoTime() + waitNanos;
        String owner = owners.shareOf(request);
        boolean permitShare = large && owner != null;
        if (permitShare && !take(shares, owner, 1, deadline)) {
            long retryAfter = retryAfterSeconds(owner, true);
            refuseOverShare(
                    request,
                    response,
                    owner,
                    shares.share() + " large bodies",
                    retryAfter,
                    "'" + owner + "' has " + shares.share() + " request bodies over " + largeBytes + " bytes being "
                            + "read by this instance already (or waiting to be), its share of the " + permits
                            + " it reads at once: half of them (trainyard.limits.concurrent-large-requests), so that "
                            + "other owners' large bodies are read too. The first of them is due in full within "
                            + retryAfter + " s (at trainyard.limits.min-request-rate); send this one when one of them "
                            + "is answered.");
            return;
        }
        try {
            boolean byteShare = kib > 0 && owner != null;
            if (byteShare && !take(byteShares, owner, kib, deadline)) {
                long retryAfter = retryAfterSeconds(owner, false);
                refuseOverShare(
                        request,
                        response,
                        owner,
                        byteShares.share() + " KiB of request bodies",
                        retryAfter,
                        "'" + owner + "' has request bodies being read by this instance already (or waiting to be) "
                                + "that hold its share of the " + budgetKib + " KiB of bodies it reads at once: half "
                                + "of them (trainyard.limits.concurrent-body-bytes), so that other owners' bodies are "
                                + "read too. The first of them is due in full within " + retryAfter + " s (at "
                                + "trainyard.limits.min-request-rate); send this one when one of them is answered.");
                return;
            }
            try {
                admitted(request, response, chain, large, kib, owner, deadline);
            } finally {
                if (byteShare) {
                    byteShares.giveBack(owner, kib);
                }
            }
        } finally {
            if (permitShare) {
                shares.giveBack(owner, 1);
            }
        }
    }

    /** Past the owner's shares: the instance's permit and byte budget, then the request itself. */
    private void admitted(
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain,
            boolean large,
            int kib,
            String owner,
            long deadline)
            throws ServletException, IOException {
        if (large && !acquire(gate, 1, deadline)) {
            log.warn(
                    "Large request {} {} refused: {} large bodies are being read already (trainyard.limits.concurrent-large-requests)",
                    request.getMethod(),
                    request.getRequestURI(),
                    permits);
            long retryAfter = retryAfterSeconds(null, true);
            refuse(
                    request,
                    response,
                    503,
                    ProblemTypes.SERVICE_UNAVAILABLE,
                    "Service unavailable",
                    retryAfter,
                    permits + " request bodies over " + largeBytes + " bytes are being read "
                            + "already, the most this instance reads at once (trainyard.limits.concurrent-large-requests); "
                            + "the first of them is due in full within " + retryAfter
                            + " s (at trainyard.limits.min-request-rate): send it again then.");
            return;
        }
        Holding holding = large ? hold(owner, request, true) : null;
        try {
            if (kib > 0 && !acquire(budget, kib, deadline)) {
                log.warn(
                        "Request {} {} refused: {} KiB of request bodies are being read already (trainyard.limits.concurrent-body-bytes)",
                        request.getMethod(),
                        request.getRequestURI(),
                        budgetKib);
                refuse(
                        request,
                        response,
                        503,
                        ProblemTypes.SERVICE_UNAVAILABLE,
                        "Service unavailable",
                        5,
                        "Request bodies of up to " + budgetKib + " KiB together are being read "
                                + "already, the most this instance reads at once (trainyard.limits.concurrent-body-bytes); "
                                + "send it again in a few seconds.");
                return;
            }
            // A large body is already held above, for both of its reservations.
            Holding budgetHolding = large ? null : hold(owner, request, false);
            try {
                chain.doFilter(request, response);
            } finally {
                if (budgetHolding != null) {
                    holdings.remove(budgetHolding);
                }
                if (kib > 0) {
                    budget.release(kib);
                }
            }
        } finally {
            if (large) {
                holdings.remove(holding);
                gate.release();
            }
        }
    }

    private static boolean take(OwnerShares shares, String owner, long units, long deadline) {
        try {
            return shares.take(owner, units, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A permit held, with the latest moment its body can still be arriving: {@code min-request-rate}
     * ends a body slower than that ({@link RequestSizeLimitFilter}), so a permit is sure to be free by
     * then, bar the handler's own work.
     */
    private static final class Holding {
        final String owner;
        final long arrivedBy;
        /** Holds a large-body permit (besides its KiB of the byte budget). */
        final boolean large;

        Holding(String owner, long arrivedBy, boolean large) {
            this.owner = owner;
            this.arrivedBy = arrivedBy;
            this.large = large;
        }
    }

    private Holding hold(String owner, HttpServletRequest request, boolean large) {
        long declared = request.getContentLengthLong();
        long bytes = declared >= 0 ? declared : maxBytes;
        long arrivedBy = minBytesPerSecond > 0
                ? System.nanoTime() + graceNanos + (long) (bytes * 1e9 / minBytesPerSecond)
                : Long.MAX_VALUE;
        Holding holding = new Holding(owner, arrivedBy, large);
        holdings.add(holding);
        return holding;
    }

    /**
     * Seconds until the first of the bodies held ({@code owner}'s, or anyone's for null; only those
     * holding a large-body permit when {@code permits}) is sure to be read; {@code large-request-wait}
     * when that is unknown (no rate is enforced).
     */
    private long retryAfterSeconds(String owner, boolean permits) {
        long soonest = Long.MAX_VALUE;
        for (Holding holding : holdings) {
            if ((owner == null || owner.equals(holding.owner)) && (holding.large || !permits)) {
                soonest = Math.min(soonest, holding.arrivedBy);
            }
        }
        long nanos = soonest == Long.MAX_VALUE ? waitNanos : soonest - System.nanoTime();
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }

    /** KiB of the byte budget this request's body takes: none for a small body, at most the whole budget. */
    private int budgetKib(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        long bytes;
        if (declared >= 0) {
            bytes = declared > SMALL_BODY ? declared : 0;
        } else {
            bytes = isChunked(request) ? maxBytes : 0;
        }
        return (int) Math.min(budgetKib, (bytes + 1023) / 1024);
    }

    private static boolean acquire(Semaphore semaphore, int permits, long deadline) {
        try {
            return semaphore.tryAcquire(permits, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean isLarge(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared >= 0) {
            return declared > largeBytes;
        }
        return isChunked(request);
    }

    /** A body without a declared length: its size is known only once it has been read. */
    private static boolean isChunked(HttpServletRequest request) {
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    /** An owner past its share of {@code what}: 429, as for any per-owner limit. */
    private static void refuseOverShare(
            HttpServletRequest request,
            HttpServletResponse response,
            String owner,
            String what,
            long retryAfterSeconds,
            String detail)
            throws IOException {
        log.warn(
                "Request {} {} of '{}' refused: it has its share of {} being read already",
                request.getMethod(),
                request.getRequestURI(),
                owner,
                what);
        refuse(request, response, 429, ProblemTypes.TOO_MANY_REQUESTS, "Too many requests", retryAfterSeconds, detail);
    }

    private static void refuse(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            java.net.URI type,
            String title,
            long retryAfterSeconds,
            String detail)
            throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        // The body was not read: the connection cannot be reused for another request.
        response.setHeader("Connection", "close");
        FilterProblems.write(request, response, status, type, title, detail);
    }
}
