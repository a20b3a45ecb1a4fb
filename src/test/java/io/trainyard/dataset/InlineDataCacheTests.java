package io.trainyard.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.trainyard.security.Caller;
import io.trainyard.security.Owners;
import io.trainyard.security.Role;
import io.trainyard.system.TrainyardProperties;

/**
 * Inline job data handed from the request that stored it to this instance's workers: used when
 * present, only after its transaction committed, bounded, owner-checked, and never needed (the
 * database still answers when the entry is gone, e.g. after a restart).
 */
class InlineDataCacheTests {

    private final DatasetRepository repository = mock(DatasetRepository.class);
    private final InlineDataCache cache = new InlineDataCache();
    private final DatasetCatalog catalog =
            new DatasetCatalog(repository, cache, List.of(), mock(Owners.class), defaults());

    private static TrainyardProperties defaults() {
        return new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("trainyard", TrainyardProperties.class);
    }

    private static DataTables.Table table(int rows) {
        double[][] x = new double[rows][2];
        double[][] y = new double[rows][1];
        for (int r = 0; r < rows; r++) {
            x[r][0] = r;
            x[r][1] = -r;
            y[r][0] = 0.5 * r;
        }
        return new DataTables.Table(x, y, null, null, null, null);
    }

    private static void actAs(String name, Role role) {
        Caller caller = new Caller(name, role);
        SecurityContextHolder.getContext()
                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(caller, null, List.of()));
    }

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void theWorkerGetsTheStoredDataWithoutReadingItBack() {
        Dataset stored = catalog.storeInline("inline data of job j", table(3));

        Dataset read = catalog.get(stored.id());

        assertThat(read).isSameAs(stored);
        verify(repository).insert(eq(stored), any());
        verify(repository, never()).find(any(), any());
        verify(repository, never()).find(any());
    }

    @Test
    void dataIsHandedOnOnlyOnceItsTransactionCommitted() {
        TransactionSynchronizationManager.initSynchronization();
        Dataset committed = catalog.storeInline("committed", table(3));
        assertThat(cache.get(committed.id())).as("not before the commit").isEmpty();
        TransactionSynchronizationManager.getSynchronizations().forEach(TransactionSynchronization::afterCommit);
        TransactionSynchronizationManager.clearSynchronization();

        TransactionSynchronizationManager.initSynchronization();
        Dataset rolledBack = catalog.storeInline("rolled back", table(3));
        TransactionSynchronizationManager.getSynchronizations()
                .forEach(s -> s.afterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK));
        TransactionSynchronizationManager.clearSynchronization();

        assertThat(cache.get(committed.id())).isPresent();
        assertThat(cache.get(rolledBack.id())).isEmpty();
    }

    @Test
    void withoutTheEntryTheDatabaseAnswersAsBefore() {
        // What a restarted instance, or another one sharing PostgreSQL, sees: nothing cached.
        Dataset stored = new Dataset(
                "inline-1",
                "x",
                List.of("x1", "y"),
                new double[][] {{1}},
                new double[][] {{2}},
                null,
                null,
                null,
                null,
                false,
                false,
                Instant.EPOCH);
        when(repository.find("inline-1", null)).thenReturn(Optional.of(stored));

        assertThat(catalog.get("inline-1")).isSameAs(stored);
        assertThat(cache.get("inline-1")).as("a read does not fill the cache").isEmpty();
    }

    @Test
    void anotherOwnerIsToldTheDataSetDoesNotExist() {
        actAs("alice", Role.USER);
        Dataset alices = catalog.storeInline("alice's", table(3));

        actAs("bob", Role.USER);
        when(repository.find(alices.id(), "bob")).thenReturn(Optional.empty());
        assertThatThrownBy(() -> catalog.get(alices.id())).isInstanceOf(DatasetNotFoundException.class);

        actAs("alice", Role.USER);
        assertThat(catalog.get(alices.id())).isSameAs(alices);
        actAs("root", Role.ADMIN);
        assertThat(catalog.get(alices.id())).isSameAs(alices);
    }

    @Test
    void releasedDataIsForgotten() {
        Dataset stored = catalog.storeInline("inline data of job j", table(3));
        when(repository.listed(stored.id(), null)).thenReturn(Optional.of(false));

        catalog.releaseInline(stored.id());

        verify(repository).delete(stored.id());
        assertThat(cache.get(stored.id())).isEmpty();
        assertThatThrownBy(() -> catalog.get(stored.id())).isInstanceOf(DatasetNotFoundException.class);
        verify(repository).find(eq(stored.id()), isNull());
    }

    @Test
    void theCacheKeepsAtMostItsBytes() {
        // 100 rows of x (2 numbers) and y (1): 100 × (16 + 16) + 100 × (16 + 8) = 5,600 bytes each.
        Dataset one = catalog.storeInline("one", table(100));
        assertThat(InlineDataCache.weight(one)).isEqualTo(5_600);
        InlineDataCache small = new InlineDataCache(12_000, Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            small.putAfterCommit(catalog.storeInline("n" + i, table(100)), "anyone");
        }

        assertThat(small.size()).isEqualTo(2);
    }
}
