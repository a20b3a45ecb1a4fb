package io.trainyard.security;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.ContentCachingResponseWrapper;

import io.trainyard.system.DryRunQuery;
import io.trainyard.system.IdempotencyException;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PayloadTooLargeException;

/**
 * {@code Idempotency-Key} on the creating endpoints ({@code POST /jobs}, {@code /sweeps},
 * {@code /datasets}, {@code /models}), once for all of them: the same owner, key, endpoint and
 * request (query string, content type and body, byte for byte) within 24 hours gets the first
 * answer again, and nothing is created twice; a different request with the key is 422; a duplicate
 * that arrives while the first is still being handled is 409. A refusal is kept only when a retry
 * cannot change it ({@link #keptForRetries}). Runs after authentication, so keys are
 * per owner. A dry run ({@code ?dryRun=true}) is not recorded: it creates nothing; its key is
 * checked like the submit's.
 */
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    private static final Set<String> ENDPOINTS = Set.of("/jobs", "/sweeps", "/datasets", "/models");
    private static final int MAX_KEY_LENGTH = 255;

    private final IdempotencyStore store;
    private final HandlerExceptionResolver problems;
    private final TransactionTemplate transactions;

    IdempotencyFilter(IdempotencyStore store, HandlerExceptionResolver problems, TransactionTemplate transactions) {
        this.store = store;
        this.problems = problems;
        // A creation that cannot finish within this is rolled back (every statement of it runs with the
        // time left as its timeout), so a claim older than IdempotencyStore.ABANDONED can no longer
        // become a creation: a retry may then take it over without creating anything twice.
        this.transactions = new TransactionTemplate(transactions.getTransactionManager(), transactions);
        this.transactions.setTimeout((int) IdempotencyStore.CREATION_TIMEOUT.toSeconds());
    }

    /**
     * What is wrong with a request's key, or null. One key per request: with two, which one a replay
     * would be found under is a guess (the servlet API hands over the first), so neither is taken.
     * Printable ASCII only: headers arrive as ISO-8859-1, so a key with a UTF-8 'é' would be stored as
     * two other characters, and the same key sent by another client library differently.
     */
    static String keyProblem(String key, int headers) {
        if (headers > 1) {
            return "send one key per request, got " + headers + " Idempotency-Key headers";
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return "must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length();
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return "must be printable ASCII (character " + (i + 1) + " is not)";
            }
        }
        return null;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || request.getHeader(HEADER) == null
                || !ENDPOINTS.contains(Endpoints.path(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
            chain.doFilter(request, response); // not authenticated: security answers before this matters
            return;
        }
        String key = request.getHeader(HEADER);
        String wrong = keyProblem(
                key, java.util.Collections.list(request.getHeaders(HEADER)).size());
        if (wrong != null) {
            problems.resolveException(request, response, null, new InvalidRequestException(HEADER, wrong));
            return;
        }
        if (DryRunQuery.requested(request)) {
            // A dry run creates nothing, so there is nothing to create twice: it leaves the key to the
            // submit it checked (which would otherwise be a "different request" with the key, 422). The
            // key itself is checked above all the same: a dry run validates exactly like the submit.
            chain.doFilter(request, response);
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (IOException e) {
            if (e.getClass().getSimpleName().equals("TooLargeException")) {
                problems.resolveException(request, response, null, new PayloadTooLargeException(e.getMessage()));
                return;
            }
            if (e.getClass().getSimpleName().equals("TooSlowException")) {
                // The advice answers it (408), as for a body read by a handler.
                problems.resolveException(request, response, null, e);
                return;
            }
            throw e;
        }
        String endpoint = Endpoints.path(request);
        String hash = hash(request, body);
        Optional<IdempotencyStore.Entry> first;
        try {
            first = store.claim(caller.name(), key, endpoint, hash);
        } catch (DataAccessException | TransactionException e) {
            // The database cannot be reached or cannot write: the advice answers (503 for an outage),
            // where thrown from here the container logged a stack trace for every such request.
            problems.resolveException(request, response, null, e);
            return;
        }
        if (first.isPresent()) {
            answerAgain(request, response, first.get(), hash);
            return;
        }
        ContentCachingResponseWrapper recorded = new ContentCachingResponseWrapper(response);
        boolean stored = false;
        try {
            // What the request creates and the answer its retries get again commit together: an
            // instance that dies (or loses its database) between the two would otherwise leave a
            // creation its client never heard of and its key does not know, and the retry the key is
            // for would create it twice. The handler's own transactions join this one.
            stored = Boolean.TRUE.equals(transactions.execute(tx -> {
                handle(chain, new CachedBody(request, body), recorded);
                if (!created(recorded.getStatus())) {
                    tx.setRollbackOnly(); // a refusal created nothing (and its handler may have asked for a rollback)
                    return false;
                }
                complete(caller, key, endpoint, recorded);
                return true;
            }));
            // Refusals a retry cannot change are kept too; the others are not (see keptForRetries).
            if (!stored && keptForRetries(recorded.getStatus())) {
                complete(caller, key, endpoint, recorded);
                stored = true;
            }
        } catch (DataAccessException | TransactionException e) {
            // Nothing was created (or kept): the answer the handler prepared must not reach the client.
            recorded.resetBuffer();
            response.setHeader("Location", null);
            problems.resolveException(
                    request,
                    response,
                    null,
                    e instanceof TransactionSystemException
                            ? new DataAccessResourceFailureException(e.getMessage(), e)
                            : e);
            return;
        } catch (HandlerFailure e) {
            recorded.copyBodyToResponse();
            e.rethrow();
        } finally {
            if (!stored) {
                release(caller, key, endpoint);
            }
        }
        recorded.copyBodyToResponse();
    }

    private static boolean created(int status) {
        return status >= 200 && status < 300;
    }

    /**
     * The refusals that depend on the request alone (its body, query and content type, which the key
     * stands for) and so would be answered the same however often it is sent: bad input (400, 413, 415,
     * 422), an unknown id in it (404), a conflict with something that does not change (409, a model
     * that cannot warm-start it). Not kept: what the owner or the service can change meanwhile, where
     * a replay would repeat a refusal that no longer holds: the storage quota (403, after the owner
     * deleted something; its {@code usage} would be stale too), a body too slow (408), the rate, queue
     * and active-jobs limits (429), an {@code Accept} the answer did not suit (406: not part of what
     * makes two requests the same) and server errors (5xx).
     */
    static boolean keptForRetries(int status) {
        return switch (status) {
            case 400, 404, 409, 413, 415, 422 -> true;
            default -> false;
        };
    }

    private void complete(Caller caller, String key, String endpoint, ContentCachingResponseWrapper recorded) {
        store.complete(
                caller.name(),
                key,
                endpoint,
                recorded.getStatus(),
                recorded.getHeader("Location"),
                recorded.getContentType(),
                recorded.getContentAsByteArray());
    }

    /** Gives the claim up so that a retry runs afresh; a failure here only delays that until the claim is abandoned. */
    private void release(Caller caller, String key, String endpoint) {
        try {
            store.release(caller.name(), key, endpoint);
        } catch (DataAccessException e) {
            // the database is gone: the claim stays until it counts as abandoned
        }
    }

    private static void handle(FilterChain chain, HttpServletRequest request, HttpServletResponse response) {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            throw new HandlerFailure(e);
        }
    }

    /** What the rest of the chain threw, carried out of the transaction (which it rolls back) unchanged. */
    private static final class HandlerFailure extends RuntimeException {

        HandlerFailure(Exception cause) {
            super(cause);
        }

        void rethrow() throws IOException, ServletException {
            Throwable cause = getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof ServletException servlet) {
                throw servlet;
            }
            throw (RuntimeException) cause;
        }
    }

    private void answerAgain(
            HttpServletRequest request, HttpServletResponse response, IdempotencyStore.Entry first, String hash)
            throws IOException {
        if (!first.requestHash().equals(hash)) {
            problems.resolveException(
                    request,
                    response,
                    null,
                    new IdempotencyException(
                            "Idempotency-Key '"
                                    + request.getHeader(HEADER) + "' was used with a different request to "
                                    + request.getRequestURI()
                                    + " in the last 24 hours; use a new key for a new request.",
                            false));
            return;
        }
        if (first.status() == null) {
            problems.resolveException(
                    request,
                    response,
                    null,
                    new IdempotencyException(
                            "The first request with " + "Idempotency-Key '" + request.getHeader(HEADER)
                                    + "' is still being handled; retry in a moment.",
                            true));
            return;
        }
        response.setStatus(first.status());
        if (first.location() != null) {
            response.setHeader("Location", first.location());
        }
        if (first.contentType() != null) {
            response.setContentType(first.contentType());
        }
        response.setHeader("Idempotent-Replayed", "true");
        if (first.body() != null) {
            response.setContentLength(first.body().length);
            response.getOutputStream().write(first.body());
        }
    }

    /** What makes two requests "the same": query string, content type and body bytes. */
    private static String hash(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.valueOf(request.getQueryString()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(request.getContentType()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The request again, with its body read once into memory (already bounded by the request size limit). */
    private static final class CachedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
