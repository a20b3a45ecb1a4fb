package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;

/** Checking presented secrets, creating and revoking keys, against a mock repository. */
class ApiKeysTests {

    private final KeyRepository repository = mock(KeyRepository.class);

    /** The thread that writes keys' uses: a task given to it runs after everything given before. */
    private final ScheduledExecutorService usageWriter = Executors.newSingleThreadScheduledExecutor();

    private ApiKeys configured(String bootstrapKey) {
        AuthProperties properties =
                new AuthProperties(true, bootstrapKey, Duration.ofSeconds(5), Duration.ofMinutes(1));
        return new ApiKeys(
                repository,
                properties,
                new KeyUsage(repository, properties, Optional::empty, usageWriter, KeyUsage.RETRY),
                event -> {});
    }

    @AfterEach
    void stopUsageWriter() {
        usageWriter.shutdownNow();
    }

    /** Waits until the use writer has done everything given to it so far. */
    private void usesWritten() throws Exception {
        usageWriter.submit(() -> {}).get(10, TimeUnit.SECONDS);
    }

    /** The service as its context builds it, with a database the readiness check finds answering. */
    static ApiKeys apiKeys(KeyRepository repository, AuthProperties properties) {
        return new ApiKeys(repository, properties, new KeyUsage(repository, properties, Optional::empty), event -> {});
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
    void theConfiguredKeysUseIsRecordedOnTheAdminRowAtMostOncePerInterval() throws Exception {
        adminRowHolds("ty_configured-admin-key");
        ApiKeys keys = configured("ty_configured-admin-key");

        keys.verify("ty_configured-admin-key");
        keys.verify("ty_configured-admin-key");
        usesWritten();
        keys.verify("ty_configured-admin-key");
        usesWritten();

        // GET /keys lists the configured key as the admin row; its lastUsedAt stayed empty for ever.
        verify(repository, times(1)).touch(eq(KeyRepository.ADMIN_ID), any());
    }

    /**
     * Requests presenting the same key while it is not in the cache share one look-up. Caffeine's
     * loader ran under the lock of a map bin: a second request waited for the first one's look-up
     * (the pool's connection timeout, 30 s, when the database is gone), and, a failure not being
     * cached, then made its own and waited as long again (audit: 58 and 74 s into an outage).
     */
    @Test
    void concurrentChecksOfAnUncachedKeyShareOneLookUpAndItsFailure() throws Exception {
        String secret = "ty_uncached-user-key";
        CountDownLatch firstLookUpWaits = new CountDownLatch(1);
        CountDownLatch poolTimesOut = new CountDownLatch(1);
        DataAccessResourceFailureException noConnection =
                new CannotGetJdbcConnectionException("Connection is not available, request timed out after 30000ms");
        AtomicInteger lookUps = new AtomicInteger();
        given(repository.findActiveByHash(anyString())).willAnswer(call -> {
            if (lookUps.incrementAndGet() > 1) {
                new CountDownLatch(1).await(); // a second look-up would wait out another pool timeout
            }
            firstLookUpWaits.countDown();
            poolTimesOut.await();
            throw noConnection;
        });
        ApiKeys keys = configured("");

        CompletableFuture<Throwable> first = failureOf(() -> keys.verify(secret));
        assertThat(firstLookUpWaits.await(10, TimeUnit.SECONDS)).isTrue();
        Thread[] secondThread = new Thread[1];
        CompletableFuture<Throwable> second = failureOf(() -> {
            secondThread[0] = Thread.currentThread();
            keys.verify(secret);
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> secondThread[0] != null
                        && EnumSet.of(Thread.State.WAITING, Thread.State.BLOCKED)
                                .contains(secondThread[0].getState()));
        poolTimesOut.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(noConnection);
        assertThat(second.get(10, TimeUnit.SECONDS))
                .as("the second request's answer: the first one's look-up's, not a look-up of its own")
                .isSameAs(noConnection);
        assertThat(lookUps).hasValue(1);

        // Failures are not kept: the next request asks the database again.
        willReturn(Optional.empty()).given(repository).findActiveByHash(anyString());
        assertThat(keys.verify(secret)).isEmpty();
    }

    @Test
    void concurrentChecksOfAnUncachedKeyShareOneLookUpAndItsAnswer() throws Exception {
        String secret = "ty_uncached-user-key";
        String hash = HexFormat.of().formatHex(ApiKeys.sha256(secret));
        CountDownLatch firstLookUpRuns = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger lookUps = new AtomicInteger();
        given(repository.findActiveByHash(hash)).willAnswer(call -> {
            lookUps.incrementAndGet();
            firstLookUpRuns.countDown();
            answer.await();
            return Optional.of(new KeyRepository.KeyRow("id-user", "user", Role.USER, hash, Instant.EPOCH, null, null));
        });
        ApiKeys keys = configured("");

        CompletableFuture<Optional<Caller>> first = CompletableFuture.supplyAsync(() -> keys.verify(secret));
        assertThat(firstLookUpRuns.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Optional<Caller>> second = CompletableFuture.supplyAsync(() -> keys.verify(secret));
        answer.countDown();

        Caller user = new Caller("user", Role.USER);
        assertThat(first.get(10, TimeUnit.SECONDS)).contains(user);
        assertThat(second.get(10, TimeUnit.SECONDS)).contains(user);
        assertThat(keys.verify(secret)).as("from the cache").contains(user);
        assertThat(lookUps).hasValue(1);
    }

    /**
     * A key in the cache needs no database, but the request due to write its {@code lastUsedAt} (once a
     * minute) waited for the pool's connection timeout and was answered 503 when the database was gone.
     */
    @Test
    void aCachedKeyIsAnsweredWhileItsUseIsStillBeingWritten() throws Exception {
        adminRowHolds("ty_configured-admin-key");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch poolTimesOut = new CountDownLatch(1);
        willAnswer(call -> {
                    writing.countDown();
                    poolTimesOut.await();
                    throw new CannotGetJdbcConnectionException("Connection is not available");
                })
                .given(repository)
                .touch(anyString(), any());
        ApiKeys keys = configured("ty_configured-admin-key");
        try {
            CompletableFuture<Optional<Caller>> checked =
                    CompletableFuture.supplyAsync(() -> keys.verify("ty_configured-admin-key"));

            assertThat(checked.get(10, TimeUnit.SECONDS)).contains(new Caller(KeyRepository.ADMIN_NAME, Role.ADMIN));
            assertThat(writing.await(10, TimeUnit.SECONDS))
                    .as("the use is written meanwhile")
                    .isTrue();
        } finally {
            poolTimesOut.countDown();
        }
    }

    private static CompletableFuture<Throwable> failureOf(Runnable check) {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                check.run();
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return failure;
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
