package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;

/** Checking presented secrets, creating and revoking keys, against a mock repository. */
class ApiKeysTests {

    private final KeyRepository repository = mock(KeyRepository.class);

    private ApiKeys configured(String bootstrapKey) {
        return new ApiKeys(
                repository,
                new AuthProperties(true, bootstrapKey, Duration.ofSeconds(5), Duration.ofMinutes(1)),
                event -> {});
    }

    /** The admin row as AdminKeyBootstrap leaves it with this key configured: the key's hash is its secret. */
    private void adminRowHolds(String key) {
        String hash = HexFormat.of().formatHex(ApiKeys.sha256(key));
        given(repository.findActiveByHash(hash))
                .willReturn(Optional.of(new KeyRepository.KeyRow(
                        KeyRepository.ADMIN_ID,
                        KeyRepository.ADMIN_NAME,
                        Role.ADMIN,
                        hash,
                        Instant.EPOCH,
                        null,
                        null)));
    }

    @Test
    void theConfiguredKeysUseIsRecordedOnTheAdminRowAtMostOncePerInterval() {
        adminRowHolds("ty_configured-admin-key");
        ApiKeys keys = configured("ty_configured-admin-key");

        keys.verify("ty_configured-admin-key");
        keys.verify("ty_configured-admin-key");

        // GET /keys lists the configured key as the admin row; its lastUsedAt stayed empty for ever.
        verify(repository, times(1)).touch(eq(KeyRepository.ADMIN_ID), any());
    }

    @Test
    void aConfiguredKeyWithoutThePrefixIsTheAdminsKey() {
        // It was refused for lacking 'ty_', and with a key configured no admin.key is written: no admin at all.
        adminRowHolds("my-admin-secret-from-the-environment");
        ApiKeys keys = configured("  my-admin-secret-from-the-environment  ");

        assertThat(keys.verify("my-admin-secret-from-the-environment"))
                .contains(new Caller(KeyRepository.ADMIN_NAME, Role.ADMIN));
        assertThat(keys.verify("my-admin-secret-from-the-environmenT")).isEmpty();
        assertThat(keys.verify("")).isEmpty();
        assertThat(keys.verify(null)).isEmpty();
    }

    @Test
    void aConfiguredKeyLongerThanUsualIsTheAdminsKeyToo() {
        String longKey = "ty_" + "k".repeat(300);
        adminRowHolds(longKey);

        assertThat(configured(longKey).verify(longKey)).contains(new Caller(KeyRepository.ADMIN_NAME, Role.ADMIN));
        assertThat(configured("").verify(longKey))
                .as("nothing configured: too long to be a key")
                .isEmpty();
    }

    @Test
    void theConfiguredKeyIsNoAdminOnceTheAdminRowNoLongerHoldsIt() {
        // It was accepted from memory, whatever the database said: revoked through an instance without the
        // setting, it still worked here, and the generated secret beside it made two admin secrets at once.
        ApiKeys keys = configured("ty_configured-admin-key");

        assertThat(keys.verify("ty_configured-admin-key")).isEmpty();
    }

    @Test
    void aKeyWithABadNameAndABadRoleIsRefusedNamingBoth() {
        ApiKeys keys = configured("");

        assertThatThrownBy(() -> keys.create("", "bad"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("name", "role"));
        assertThatThrownBy(() -> keys.create("System", null))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("name", "role"));
        verify(repository, never()).insert(any(), anyString());
    }

    @Test
    void theConfiguredAdminKeyIsNotRevokedOnAnInstanceConfiguredWithIt() {
        KeyRepository.KeyRow admin = new KeyRepository.KeyRow(
                KeyRepository.ADMIN_ID, KeyRepository.ADMIN_NAME, Role.ADMIN, "ab", Instant.EPOCH, null, null);
        given(repository.findActive(KeyRepository.ADMIN_ID)).willReturn(Optional.of(admin));

        assertThatThrownBy(() -> configured("ty_configured-admin-key").revoke(KeyRepository.ADMIN_ID))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("configured with trainyard.auth.bootstrap-key")
                .hasMessageContaining("set a new value there and restart")
                .hasMessageContaining("create another admin key");
        verify(repository, never()).revoke(anyString(), any());
    }

    @Test
    void theLastAdminKeyIsNotRevoked() {
        KeyRepository.KeyRow root =
                new KeyRepository.KeyRow("id-root", "root", Role.ADMIN, "cd", Instant.EPOCH, null, null);
        given(repository.findActive("id-root")).willReturn(Optional.of(root));
        given(repository.revoke(eq("id-root"), any())).willReturn(KeyRepository.Revocation.LAST_ADMIN);

        assertThatThrownBy(() -> configured("").revoke("id-root"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("'root' is the last admin key; create another admin first");
    }
}
