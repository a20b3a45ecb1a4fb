package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.system.TrainyardProperties;

class MemoryBudgetTests {

    private final MemoryBudget budget = new MemoryBudget(properties(DataSize.ofMegabytes(100)), mock(DatasetCatalog.class));

    @Test
    void jobsRunTogetherWhileTheirSumFits() {
        assertThat(budget.tryReserve("a", mb(60))).isTrue();
        assertThat(budget.tryReserve("b", mb(50))).as("60 + 50 > 100").isFalse();
        assertThat(budget.tryReserve("c", mb(40))).as("a smaller job may go first").isTrue();
        assertThat(budget.reserved()).isEqualTo(mb(100));

        budget.release("a");

        assertThat(budget.tryReserve("b", mb(50))).isTrue();
        assertThat(budget.reserved()).isEqualTo(mb(90));
    }

    @Test
    void aJobLargerThanTheWholeBudgetNeverRuns() {
        assertThat(budget.tryReserve("huge", mb(101))).isFalse();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void releasingWhatWasNotReservedChangesNothing() {
        budget.tryReserve("a", mb(10));

        budget.release("other");
        budget.release("a");
        budget.release("a");

        assertThat(budget.reserved()).isZero();
    }

    private static long mb(long n) {
        return n * 1024 * 1024;
    }

    static TrainyardProperties properties(DataSize memoryBudget) {
        var limits = new TrainyardProperties.Limits(32, 1024, 5_000_000, 1_000_000, 10_000_000,
                DataSize.ofMegabytes(64), 1000, 200, null, memoryBudget, 1000, 100, java.time.Duration.ofMinutes(30));
        return new TrainyardProperties(java.nio.file.Path.of("."), 1, "test", java.time.Duration.ofSeconds(2),
                java.time.Duration.ofSeconds(30), 3, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(5), limits);
    }
}
