package io.trainyard.model;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.trainyard.system.MinDataSize;

/**
 * {@code trainyard.model-cache.*}: decoded models kept in memory so that a prediction does not read
 * and unpack its model from the database every time.
 *
 * @param size the most the cached models may weigh together (their parameters and preprocessing as
 *     doubles); 0 turns the cache off
 * @param ttl how long a decoded model is used without asking the database again. Deleting a model
 *     evicts it at once on the instance that deleted it; other instances sharing PostgreSQL stop
 *     serving it after at most this long
 */
@ConfigurationProperties("trainyard.model-cache")
@Validated
public record ModelCacheProperties(
        @DefaultValue("64MB") @MinDataSize(0) DataSize size,

        @DefaultValue("5s")
        @DurationMin(millis = 0, message = "must be 0 or more (a duration such as 5s; a bare number is milliseconds)")
        Duration ttl) {}
