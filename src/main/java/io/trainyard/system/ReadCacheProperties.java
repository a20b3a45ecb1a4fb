package io.trainyard.system;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code trainyard.read-cache.*}: the answers about finished jobs ({@code GET /jobs/{id}}, and the
 * downsampled {@code losses}/{@code gradients} JSON) kept in memory, so that polling a finished job
 * costs no database read and no serialisation. A finished job never changes; it can only be deleted
 * (or its history pruned to the coarse level).
 *
 * @param size the most the cached answers of each kind (jobs, histories) may weigh, in bytes of JSON;
 *     0 turns the cache off
 * @param ttl how long an answer is reused without asking the database again. Deleting a job (or
 *     pruning its history) evicts it at once on the instance that did it; other instances sharing
 *     PostgreSQL stop answering with it after at most this long
 */
@ConfigurationProperties("trainyard.read-cache")
@Validated
public record ReadCacheProperties(
        @DefaultValue("32MB") @MinDataSize(0) DataSize size,

        @DefaultValue("5s")
        @DurationMin(millis = 0, message = "must be 0 or more (a duration such as 5s; a bare number is milliseconds)")
        Duration ttl) {}
