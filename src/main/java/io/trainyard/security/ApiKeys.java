package io.trainyard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.NotFoundException;
import io.trainyard.system.Timestamps;

/**
 * Creating, checking and revoking API keys. A key is {@code ty_} plus 256 random bits (base64url);
 * only its SHA-256 is stored, and it is compared in constant time. Verified keys are cached for
 * {@code trainyard.auth.cache-ttl} so most requests cost no database read; revoking evicts at once.
 * Their use is recorded ({@code lastUsedAt}) by {@link KeyUsage}, off the request thread.
 *
 * <p>A configured bootstrap key ({@code trainyard.auth.bootstrap-key}) is the admin row's secret:
 * {@link AdminKeyBootstrap} writes its hash there at start, so it is checked like any other key, and
 * the secret the row had before (a generated admin.key) no longer works.
 */
@Service
public class ApiKeys {

    static final String PREFIX = "ty_";
    private static final int SECRET_BYTES = 32;
    /** Longer presented secrets are refused without hashing them (unless the configured key is longer). */
    private static final int MAX_LENGTH = 200;
    /**
     * Key names become owner names: short, printable, no spaces, so they are safe in logs and URLs.
     * Anchored, as the OpenAPI document shows it (a JSON Schema pattern matches anywhere in a string).
     */
    static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    /** The key as created: {@code secret} is shown to the user once and never again. */
    record Created(KeyRepository.KeyRow key, String secret) {}

    private record Verified(String id, Caller caller) {}

    /** What a look-up of a presented key found: the key, nothing (unknown or revoked), or a failure. */
    private record LookUp(Verified key, RuntimeException failure) {}

    private final KeyRepository keys;
    private final ApplicationEventPublisher events;
    private final SecureRandom random = new SecureRandom();
    private final AsyncCache<String, LookUp> verified;
    private final KeyUsage usage;
    private final byte[] bootstrapHash;
    private final int maxLength;

    ApiKeys(KeyRepository keys, AuthProperties properties, KeyUsage usage, ApplicationEventPublisher events) {
        this.keys = keys;
        this.usage = usage;
        this.events = events;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheTtl())
                .maximumSize(10_000)
                .buildAsync();
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
        // A configured key passes the prefix check whatever it looks like (one without 'ty_' was never
        // accepted, and with it configured no admin.key is written: no admin at all). It is then looked
        // up like any key: it is the admin row's secret, so a revocation of that row through another
        // instance (one without the variable) holds here too, and no second admin secret exists.
        boolean configured = bootstrapHash != null && MessageDigest.isEqual(hash, bootstrapHash);
        if (!configured && !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hex = HexFormat.of().formatHex(hash);
        Verified found = cachedOrLookedUp(hex, hash);
        if (found == null) {
            return Optional.empty();
        }
        usage.used(found.id());
        return Optional.of(found.caller());
    }

    /**
     * The verified key from the cache, or from the database, by one look-up for all requests that
     * present the same uncached key at once, made on the thread of the first of them.
     *
     * <p>Not inside the cache's own compute: Caffeine's synchronous loader runs under a lock of the
     * map's bin, so while one look-up waited for a pool connection (30 s when the database is gone)
     * every other request presenting that key, or one hashed to the same bin, waited for the lock, and
     * then, the failed load not being cached, made its own look-up and waited 30 s more: an audit
     * measured 58 and 74 s for requests that came in the first seconds of an outage. Here the others
     * wait for the first one's future and get its answer, failure included, so none waits longer than
     * one look-up. The future is the cache's entry while it runs: a revocation meanwhile removes it,
     * and its answer is then not kept (Caffeine keeps a completed future only while it is the entry).
     *
     * @return null for an unknown or revoked key (not cached: an unknown key asks the database every time)
     */
    private Verified cachedOrLookedUp(String hex, byte[] hash) {
        CompletableFuture<LookUp> mine = new CompletableFuture<>();
        CompletableFuture<LookUp> shared = verified.get(hex, (key, executor) -> mine);
        if (shared == mine) {
            LookUp result;
            try {
                result = lookUp(hex, hash);
            } catch (Error e) {
                verified.asMap().remove(hex, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            if (result.key() == null) {
                // Unknown keys and failures are not kept. Removed before the future completes: a failure
                // is a value here, not the future's exception, which Caffeine logs as a failed load, with
                // a stack trace for every request during an outage.
                verified.asMap().remove(hex, mine);
            }
            mine.complete(result);
        }
        LookUp result;
        try {
            result = shared.join();
        } catch (CompletionException e) {
            // Only an Error fails the future itself (the look-up's thread threw it on).
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
        if (result.failure() != null) {
            throw result.failure(); // the one the look-up met, so the advice answers it alike (503)
        }
        return result.key();
    }

    private LookUp lookUp(String hex, byte[] hash) {
        try {
            return new LookUp(
                    keys.findActiveByHash(hex)
                            .filter(row ->
                                    MessageDigest.isEqual(hash, HexFormat.of().parseHex(row.secretHash())))
                            .map(row -> new Verified(row.id(), new Caller(row.name(), row.role())))
                            .orElse(null),
                    null);
        } catch (RuntimeException e) {
            return new LookUp(null, e);
        }
    }

    /**
     * @throws InvalidRequestException for a bad name or role, naming every bad field
     * @throws ConflictException when the name is taken (revoked keys keep theirs)
     */
    Created create(String name, String roleText) {
        Role role = Role.parse(roleText);
        List<FieldError> errors = new ArrayList<>();
        if (name == null
                || !NAME.matcher(name).matches()
                || name.equalsIgnoreCase(Caller.LOCAL.name())
                || name.equalsIgnoreCase(Caller.SYSTEM.name())) {
            errors.add(new FieldError(
                    "name",
                    "must be 1 to 100 ASCII letters (A-Z, a-z), digits (0-9), '.', '_' or '-', starting with "
                            + "a letter or digit (and not 'local' or 'system'), got "
                            + (name == null ? "nothing" : "'" + name + "'")));
        }
        if (role == null) {
            errors.add(new FieldError(
                    "role", "must be 'admin' or 'user', got " + (roleText == null ? "nothing" : "'" + roleText + "'")));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
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

    /**
     * Revokes a key: refused from the next request on (other instances within the cache TTL).
     *
     * @throws NotFoundException when there is no active key with this id
     * @throws ConflictException for the configured bootstrap key (the next start would restore it), and
     *     for the last active admin key (nobody could manage keys until a restart)
     */
    void revoke(String id) {
        KeyRepository.KeyRow row = keys.findActive(id).orElseThrow(() -> new NotFoundException("key", id));
        if (row.id().equals(KeyRepository.ADMIN_ID) && bootstrapHash != null) {
            throw new ConflictException("Key '" + row.name() + "' is the admin key configured with "
                    + "trainyard.auth.bootstrap-key (TRAINYARD_AUTH_BOOTSTRAP_KEY) on this instance; revoking it "
                    + "would last only until the next start. To replace it, set a new value there and restart: "
                    + "the old one stops working. To retire it, create another admin key, remove the setting from "
                    + "every instance and restart them, then revoke this key.");
        }
        switch (keys.revoke(id, Timestamps.now())) {
            case NO_SUCH_KEY -> throw new NotFoundException("key", id); // revoked meanwhile
            case LAST_ADMIN ->
                throw new ConflictException("Key '" + row.name() + "' is the last admin key; create another admin "
                        + "first (POST /keys with \"role\": \"admin\"), then revoke this one. Without an admin key "
                        + "nobody could create or revoke keys until a restart.");
            case REVOKED -> {
                // evicted below
            }
        }
        if (row.secretHash() != null) {
            verified.synchronous().invalidate(row.secretHash());
        }
        usage.forget(id);
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
