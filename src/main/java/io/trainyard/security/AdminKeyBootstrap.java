package io.trainyard.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import io.trainyard.system.TrainyardProperties;

/**
 * Makes sure an admin can get in after the first start: a configured bootstrap key becomes the admin
 * row's secret (replacing a generated one, which then stops working); otherwise, when no admin key
 * exists, one is created and written to {@code <data-dir>/admin.key} (owner-only permissions from the
 * moment the file exists). The log names the file, never the key.
 *
 * <p>The configured key lives in the database like any key, so every instance sharing it accepts
 * that key and no other admin secret, also one started without the setting. Removing the setting
 * later leaves the key in place as an ordinary admin key (revocable once another admin key exists),
 * and no admin.key is written while an active admin key exists.
 */
@Component
class AdminKeyBootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);
    static final String FILE_NAME = "admin.key";

    private final ApiKeys apiKeys;
    private final KeyRepository keys;
    private final AuthProperties auth;
    private final Path dataDir;

    AdminKeyBootstrap(ApiKeys apiKeys, KeyRepository keys, AuthProperties auth, TrainyardProperties properties) {
        this.apiKeys = apiKeys;
        this.keys = keys;
        this.auth = auth;
        this.dataDir = properties.dataDir();
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> variants = keys.caseVariantsKeptApart();
        if (!variants.isEmpty()) {
            log.warn(
                    "Keys {} differ from an older key's name only in case (created at the same moment through "
                            + "different instances, before names were checked in the database); they are kept, as "
                            + "they own data, and no new case variant can be created. Revoke the ones nobody needs.",
                    variants);
        }
        if (!auth.enabled()) {
            log.warn("Authentication is OFF (trainyard.auth.enabled=false): anyone who can reach this port can do "
                    + "anything, and everything belongs to 'local'. Only for a one-person setup.");
            return;
        }
        if (!auth.bootstrapKey().isBlank()) {
            String key = auth.bootstrapKey().trim();
            useConfigured(HexFormat.of().formatHex(ApiKeys.sha256(key)));
            if (!key.startsWith(ApiKeys.PREFIX) || key.length() < ApiKeys.PREFIX.length() + 43) {
                log.warn("trainyard.auth.bootstrap-key is not 'ty_' and at least 43 random characters (256 bits) "
                        + "like the keys this service creates; it works, but choose a longer random one, e.g. "
                        + "ty_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=').");
            }
            return;
        }
        if (keys.anyUsableAdmin()) {
            return;
        }
        String secret = apiKeys.newSecret();
        if (!keys.setAdminSecret(HexFormat.of().formatHex(ApiKeys.sha256(secret)))) {
            return; // another instance sharing the database created it a moment ago
        }
        Path file = write(secret);
        log.info(
                "Created the admin API key and wrote it to {} (readable by this user only); send it as "
                        + "'Authorization: Bearer <key>'",
                file.toAbsolutePath().normalize());
    }

    /** Makes the configured key the admin key, and says what became of the one before. */
    private void useConfigured(String hash) {
        KeyRepository.AdminSecret before;
        try {
            before = keys.configureAdminSecret(hash);
        } catch (DuplicateKeyException e) {
            // Two keys with one secret could not tell their callers apart; the configured one cannot win.
            throw new IllegalStateException(
                    "trainyard.auth.bootstrap-key (TRAINYARD_AUTH_BOOTSTRAP_KEY) is the secret of the key '"
                            + keys.nameByHash(hash).orElse("?") + "'; configure a new random key",
                    e);
        }
        switch (before) {
            case REPLACED -> {
                Path file = dataDir.resolve(FILE_NAME).toAbsolutePath().normalize();
                log.warn(
                        "Admin key: the configured trainyard.auth.bootstrap-key replaces the admin key used until now, "
                                + "which no longer works{}",
                        holdsAnotherKey(file, hash) ? " (the key in " + file + "; delete that file)" : "");
            }
            case REACTIVATED ->
                log.info("Admin key: the configured trainyard.auth.bootstrap-key (the admin key had been revoked)");
            default -> log.info("Admin key: the configured trainyard.auth.bootstrap-key");
        }
    }

    /**
     * Whether {@code file} holds a key other than the one with {@code hash}: a generated admin key, which
     * the configured one has just replaced (the admin row has one secret, so no other admin.key works).
     */
    private static boolean holdsAnotherKey(Path file, String hash) {
        try {
            String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return !key.isEmpty()
                    && !HexFormat.of().formatHex(ApiKeys.sha256(key)).equals(hash);
        } catch (IOException | RuntimeException e) {
            return false; // no file (another instance's data directory held it), or not readable
        }
    }

    /** Writes the key to a fresh owner-only file, then moves it into place, so it is never readable by others. */
    private Path write(String secret) {
        Path target = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            Path temp = dataDir.resolve(FILE_NAME + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createFile(
                        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(temp);
            } catch (FileAlreadyExistsException impossible) {
                throw new IllegalStateException(impossible);
            }
            Files.writeString(temp, secret + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the admin key to " + target, e);
        }
    }
}
