package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Checking presented secrets against the configured bootstrap key, without a database. */
class ApiKeysTests {

    private static ApiKeys configured(String bootstrapKey) {
        return configured(bootstrapKey, mock(KeyRepository.class));
    }

    // A mock repository: these secrets are decided by the configured key or the prefix alone.
    private static ApiKeys configured(String bootstrapKey, KeyRepository repository) {
        return new ApiKeys(
                repository,
                new AuthProperties(true, bootstrapKey, Duration.ofSeconds(5), Duration.ofMinutes(1)),
                event -> {});
    }

    @Test
    void theConfiguredKeysUseIsRecordedOnTheAdminRowAtMostOncePerInterval() {
        KeyRepository repository = mock(KeyRepository.class);
        ApiKeys keys = configured("ty_configured-admin-key", repository);

        keys.verify("ty_configured-admin-key");
        keys.verify("ty_configured-admin-key");

        // GET /keys lists the configured key as the admin row; its lastUsedAt stayed empty for ever.
        verify(repository, times(1)).touch(eq(KeyRepository.ADMIN_ID), any());
    }

    @Test
    void aConfiguredKeyWithoutThePrefixIsTheAdminsKey() {
        // It was refused for lacking 'ty_', and with a key configured no admin.key is written: no admin at all.
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

        assertThat(configured(longKey).verify(longKey)).contains(new Caller(KeyRepository.ADMIN_NAME, Role.ADMIN));
        assertThat(configured("").verify(longKey))
                .as("nothing configured: too long to be a key")
                .isEmpty();
    }
}
