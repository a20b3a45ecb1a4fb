package io.trainyard.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code trainyard.auth.*}.
 *
 * @param enabled false turns authentication off for a one-person setup (a warning at every start);
 *     everything then belongs to {@code local}
 * @param bootstrapKey an admin key ({@code TRAINYARD_AUTH_BOOTSTRAP_KEY}); when empty and no admin key
 *     exists, the first start creates one and writes it to {@code <data-dir>/admin.key}
 * @param cacheTtl how long a verified key is trusted without asking the database. Revoking evicts it
 *     at once on the instance that revoked it; other instances sharing PostgreSQL refuse it after at
 *     most this long
 * @param lastUsedInterval {@code lastUsedAt} is written at most this often per key
 */
@ConfigurationProperties("trainyard.auth")
public record AuthProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String bootstrapKey,
        @DefaultValue("5s") Duration cacheTtl,
        @DefaultValue("1m") Duration lastUsedInterval) {}
