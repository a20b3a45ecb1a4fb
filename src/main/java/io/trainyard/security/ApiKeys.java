package io.trainyard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.trainyard.system.ConflictException;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.NotFoundException;
import io.trainyard.system.Timestamps;

/**
 * Creating, checking and revoking API keys. A key is {@code ty_} plus 256 random bits (base64url);
 * only its SHA-256 is stored, and it is compared in constant time. Verified keys are cached for
 * {@code trainyard.auth.cache-ttl} so most requests cost no database read; revoking evicts at once.
 */
@Service
public class ApiKeys {

    static final String PREFIX = "ty_";
    private static final int SECRET_BYTES = 32;
    /** Longer presented secrets are refused without hashing them (unless the configured key is longer). */
    private static final int MAX_LENGTH = 200;
    /** Key names become owner names: short, printable, no spaces, so they are safe in logs and URLs. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** The key as created: {@code secret} is shown to the user once and never again. */
    record Created(KeyRepository.KeyRow key, String secret) {}

    private record Verified(String id, Caller caller) {}

    private final KeyRepository keys;
    private final AuthProperties properties;
    private final ApplicationEventPublisher events;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Verified> verified;
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();
    private final byte[] bootstrapHash;
    private final int maxLength;

    ApiKeys(KeyRepository keys, AuthProperties properties, ApplicationEventPublisher events) {
        this.keys = keys;
        this.properties = properties;
        this.events = events;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheTtl())
                .maximumSize(10_000)
                .build();
        this.bootstrapHash = properties.bootstrapKey().isBlank()
                ? null
                : sha256(properties.bootstrapKey().trim());
        this.maxLength = Math.max(MAX_LENGTH, properties.bootstrapKey().trim().length());
    }

    /** The caller a presented secret belongs to; empty for an unknown or revoked key. */
    Optional<Caller> verify(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > maxLength) {
            return Optional.empty();
        }
        byte[] hash = sha256(secret);
        // Before the prefix check: a configured key is the admin's whatever it looks like (one without
        // 'ty_' was never accepted, and with it configured no admin.key is written: no admin at all).
        if (bootstrapHash != null && MessageDigest.isEqual(hash, bootstrapHash)) {
            touch(KeyRepository.ADMIN_ID); // GET /keys lists it as the admin row: its lastUsedAt too
            return Optional.of(new Caller(KeyRepository.ADMIN_NAME, Role.ADMIN));
        }
        if (!secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hex = HexFormat.of().formatHex(hash);
        // A null from the loader is not cached: an unknown key asks the database every time.
        Verified found = verified.get(
                hex,
                h -> keys.findActiveByHash(h)
                        .filter(row ->
                                MessageDigest.isEqual(hash, HexFormat.of().parseHex(row.secretHash())))
                        .map(row -> new Verified(row.id(), new Caller(row.name(), row.role())))
                        .orElse(null));
        if (found == null) {
            return Optional.empty();
        }
        touch(found.id());
        return Optional.of(found.caller());
    }

    /** Writes {@code lastUsedAt} at most once per {@code last-used-interval} per key, not on every request. */
    private void touch(String id) {
        Instant now = Timestamps.now();
        Instant last = lastTouched.get(id);
        if (last != null && last.plus(properties.lastUsedInterval()).isAfter(now)) {
            return;
        }
        if (last == null ? lastTouched.putIfAbsent(id, now) == null : lastTouched.replace(id, last, now)) {
            keys.touch(id, now);
        }
    }

    /**
     * @throws InvalidRequestException for a bad name or role
     * @throws ConflictException when the name is taken (revoked keys keep theirs)
     */
    Created create(String name, String roleText) {
        Role role = Role.parse(roleText);
        if (name == null
                || !NAME.matcher(name).matches()
                || name.equalsIgnoreCase(Caller.LOCAL.name())
                || name.equalsIgnoreCase(Caller.SYSTEM.name())) {
            throw new InvalidRequestException(
                    "name",
                    "must be 1 to 100 ASCII letters (A-Z, a-z), digits (0-9), '.', '_' or '-', starting with "
                            + "a letter or digit (and not 'local' or 'system'), got "
                            + (name == null ? "nothing" : "'" + name + "'"));
        }
        if (role == null) {
            throw new InvalidRequestException(
                    "role", "must be 'admin' or 'user', got " + (roleText == null ? "nothing" : "'" + roleText + "'"));
        }
        String secret = newSecret();
        KeyRepository.KeyRow row = new KeyRepository.KeyRow(
                UUID.randomUUID().toString(),
                name,
                role,
                HexFormat.of().formatHex(sha256(secret)),
                Timestamps.now(),
                null,
                null);
        insertUnlessTakenButForCase(row);
        return new Created(row, secret);
    }

    /**
     * Names are owners in every answer: 'Alice' beside 'alice' would be two owners nobody can tell
     * apart at a glance. The database decides, for every instance sharing it: {@code folded_name}
     * (the name lower-cased) is unique (V15), so of case variants inserted at once exactly one
     * commits and the others fail here, as an exact duplicate does on {@code name}. The look-up
     * before the insert only words the usual refusal: it names the variant that is taken.
     *
     * @throws ConflictException when the name is taken, exactly or but for case
     */
    private void insertUnlessTakenButForCase(KeyRepository.KeyRow row) {
        String name = row.name();
        try {
            refuseCaseVariantOf(name);
            keys.insert(row, folded(name));
        } catch (DuplicateKeyException e) {
            // Lost a race (on this instance or another): say which name won, as the look-up would have.
            refuseCaseVariantOf(name);
            throw new ConflictException("A key named '" + name + "' exists (or existed: names of revoked keys stay "
                    + "taken, because they own data); choose another name.");
        }
    }

    private void refuseCaseVariantOf(String name) {
        keys.namesLike(name).stream()
                .filter(existing -> !existing.equals(name))
                .findFirst()
                .ifPresent(existing -> {
                    throw new ConflictException("A key named '" + existing + "' exists (or existed), and names must "
                            + "differ by more than case; choose another name.");
                });
    }

    /** The form names are compared in; names are ASCII, so this and SQL's LOWER (V15's backfill) agree. */
    static String folded(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    List<KeyRepository.KeyRow> list() {
        return keys.active();
    }

    /** @throws NotFoundException when there is no active key with this id */
    KeyRepository.KeyRow get(String id) {
        return keys.findActive(id).orElseThrow(() -> new NotFoundException("key", id));
    }

    /** Revokes a key: refused from the next request on (on other instances within the cache TTL). */
    void revoke(String id) {
        KeyRepository.KeyRow row = keys.findActive(id).orElseThrow(() -> new NotFoundException("key", id));
        if (row.id().equals(KeyRepository.ADMIN_ID) && bootstrapHash != null) {
            throw new ConflictException("The admin key is set by trainyard.auth.bootstrap-key "
                    + "(TRAINYARD_AUTH_BOOTSTRAP_KEY); change or unset it there.");
        }
        keys.revoke(id, Timestamps.now());
        if (row.secretHash() != null) {
            verified.invalidate(row.secretHash());
        }
        lastTouched.remove(id);
        events.publishEvent(new KeyRevoked(row.name()));
    }

    /** A fresh secret: {@code ty_} and 256 random bits. */
    String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
