package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.system.TrainyardProperties;

class MemoryBudgetTests {

    private final MemoryBudget budget =
            new MemoryBudget(properties(DataSize.ofMegabytes(100)), mock(DatasetCatalog.class));

    @Test
    void jobsRunTogetherWhileTheirSumFits() {
        assertThat(budget.tryReserve("a", mb(60))).isTrue();
        assertThat(budget.tryReserve("b", mb(50))).as("60 + 50 > 100").isFalse();
        assertThat(budget.tryReserve("c", mb(40)))
                .as("a smaller job may go first")
                .isTrue();
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
        // Every default of the properties record, but the memory budget: binding keeps the test
        // independent of how many settings the record has.
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        if (memoryBudget != null) {
            settings.put("trainyard.limits.memory-budget", memoryBudget.toBytes() + "B");
        }
        return new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(settings))
                .bindOrCreate("trainyard", TrainyardProperties.class);
    }
}
