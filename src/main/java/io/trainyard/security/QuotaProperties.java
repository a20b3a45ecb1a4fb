package io.trainyard.security;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.trainyard.system.MinDataSize;

/**
 * {@code trainyard.quota.*}: per-owner limits. Admin keys are exempt. Each is at least 1 (a byte for
 * {@code max-stored-bytes}), checked at start: a 0 rate or burst was silently taken as 1 while the 429
 * said "more than 0 requests per second", and a negative count refused every request of every owner.
 *
 * @param maxActiveJobs queued plus running jobs of one owner; beyond it submits get 429
 * @param maxStoredBytes bytes of data sets, models, aliases and histories one owner keeps; beyond it
 *     uploads, imports, submits and alias changes get 403 (with what its requests in progress on this
 *     instance may add counted, see {@link StoringRequests})
 * @param requestsPerSecond sustained request rate of one owner on one instance (each instance keeps its
 *     own buckets in memory: they guard its threads and CPU, not a cluster-wide budget)
 * @param burst requests one owner may send at once: a token bucket of {@code burst} tokens that gains
 *     {@code requestsPerSecond} a second, continuously ({@link RequestRate})
 * @param maxConcurrentRequests requests of one owner being handled at the same moment (each holds one
 *     of the server's request threads while its body is read and its answer written; an event stream
 *     only while it is opened); beyond it 429
 */
@ConfigurationProperties("trainyard.quota")
@Validated
public record QuotaProperties(
        @DefaultValue("200") @Min(value = 1, message = AT_LEAST_1)
        int maxActiveJobs,

        @DefaultValue("1GB") @MinDataSize(1) DataSize maxStoredBytes,

        @DefaultValue("50") @Min(value = 1, message = AT_LEAST_1)
        int requestsPerSecond,

        @DefaultValue("100") @Min(value = 1, message = AT_LEAST_1)
        int burst,

        @DefaultValue("32") @Min(value = 1, message = AT_LEAST_1)
        int maxConcurrentRequests) {

    private static final String AT_LEAST_1 = "must be at least 1";
}
