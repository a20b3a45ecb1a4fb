package io.trainyard.security;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code trainyard.auth.*}. The durations are 0 or more (checked at start; 0 asks the database every time).
 *
 * @param enabled false turns authentication off for a one-person setup (a warning at every start);
 *     everything then belongs to {@code local}
 * @param bootstrapKey an admin key ({@code TRAINYARD_AUTH_BOOTSTRAP_KEY}); when empty and no admin key
 *     exists, the first start creates one and writes it to {@code <data-dir>/admin.key}
 * @param cacheTtl how long a verified key is trusted without asking the database. Revoking evicts it
 *     at once on the instance that revoked it; other instances sharing PostgreSQL refuse it after at
 *     most this long
 * @param lastUsedInterval {@code lastUsedAt} is written at most this often per key, in the background
 *     ({@code KeyUsage}): no request waits for the write
 */
@ConfigurationProperties("trainyard.auth")
@Validated
public record AuthProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String bootstrapKey,

        @DefaultValue("5s") @DurationMin(millis = 0, message = AT_LEAST_0)
        Duration cacheTtl,

        @DefaultValue("1m") @DurationMin(millis = 0, message = AT_LEAST_0)
        Duration lastUsedInterval) {

    private static final String AT_LEAST_0 = "must be 0 or more (a duration such as 5s; a bare number is milliseconds)";
}
