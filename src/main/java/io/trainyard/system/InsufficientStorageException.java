package io.trainyard.system;

import java.time.Duration;

/**
 * The disk that holds the embedded database has less than {@code trainyard.limits.min-free-disk}
 * free ({@link DatabaseDiskSpace}): a request that would store something is refused before it does.
 * Answered 503 with {@code Retry-After}, not 507 Insufficient Storage: the request is fine and the
 * condition is the service's and passes (the operator makes room), which is what 503 says and what
 * clients and their retry libraries already act on; 507 is WebDAV's, and few clients know to retry it.
 */
public class InsufficientStorageException extends RuntimeException {

    private final long freeBytes;
    private final long minFreeBytes;
    private final Duration retryAfter;

    public InsufficientStorageException(String message, long freeBytes, long minFreeBytes, Duration retryAfter) {
        super(message);
        this.freeBytes = freeBytes;
        this.minFreeBytes = minFreeBytes;
        this.retryAfter = retryAfter;
    }

    public long freeBytes() {
        return freeBytes;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
