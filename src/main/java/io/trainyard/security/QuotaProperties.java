package io.trainyard.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code trainyard.quota.*}: per-owner limits. Admin keys are exempt.
 *
 * @param maxActiveJobs queued plus running jobs of one owner; beyond it submits get 429
 * @param maxStoredBytes bytes of data sets, models and histories one owner keeps; beyond it uploads,
 *     imports and submits get 403
 * @param requestsPerSecond sustained request rate of one owner on one instance (each instance keeps its
 *     own buckets in memory: they guard its threads and CPU, not a cluster-wide budget)
 * @param burst requests one owner may send at once: a token bucket of {@code burst} tokens that gains
 *     {@code requestsPerSecond} a second, continuously ({@link RequestRate})
 * @param maxConcurrentRequests requests of one owner being handled at the same moment (each holds one
 *     of the server's request threads while its body is read and its answer written; an event stream
 *     only while it is opened); beyond it 429
 */
@ConfigurationProperties("trainyard.quota")
public record QuotaProperties(
        @DefaultValue("200") int maxActiveJobs,
        @DefaultValue("1GB") DataSize maxStoredBytes,
        @DefaultValue("50") int requestsPerSecond,
        @DefaultValue("100") int burst,
        @DefaultValue("32") int maxConcurrentRequests) {}
