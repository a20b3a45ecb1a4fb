package io.trainyard.system;

import java.net.URI;

/** The stable {@code type} URIs of every problem the API answers with. */
public final class ProblemTypes {

    private static final String BASE = "https://trainyard.io/problems/";

    public static final URI INVALID_REQUEST = URI.create(BASE + "invalid-request");
    public static final URI MALFORMED_JSON = URI.create(BASE + "malformed-json");
    public static final URI NOT_FOUND = URI.create(BASE + "not-found");
    public static final URI CONFLICT = URI.create(BASE + "conflict");
    public static final URI QUEUE_FULL = URI.create(BASE + "queue-full");
    public static final URI TOO_MANY_REQUESTS = URI.create(BASE + "too-many-requests");
    public static final URI PAYLOAD_TOO_LARGE = URI.create(BASE + "payload-too-large");
    public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(BASE + "unsupported-media-type");
    public static final URI NOT_ACCEPTABLE = URI.create(BASE + "not-acceptable");
    public static final URI METHOD_NOT_ALLOWED = URI.create(BASE + "method-not-allowed");
    public static final URI INTERNAL = URI.create(BASE + "internal-error");
    public static final URI SERVICE_UNAVAILABLE = URI.create(BASE + "service-unavailable");
    public static final URI INSUFFICIENT_STORAGE = URI.create(BASE + "insufficient-storage");
    public static final URI UNAUTHORIZED = URI.create(BASE + "unauthorized");
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    public static final URI QUOTA_EXCEEDED = URI.create(BASE + "quota-exceeded");
    public static final URI TOO_MANY_ACTIVE_JOBS = URI.create(BASE + "too-many-active-jobs");
    public static final URI RATE_LIMITED = URI.create(BASE + "rate-limited");
    public static final URI REQUEST_TIMEOUT = URI.create(BASE + "request-timeout");
    public static final URI IDEMPOTENCY_KEY_REUSED = URI.create(BASE + "idempotency-key-reused");
    public static final URI IDEMPOTENCY_KEY_IN_FLIGHT = URI.create(BASE + "idempotency-key-in-flight");

    private ProblemTypes() {}
}
