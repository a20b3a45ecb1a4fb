package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryEstimateTests {

    @Test
    void aPredictionCountsEveryLayerOfEveryRow() {
        // 200,000 rows through [1, 1024, 1]: 1,026 units per row, output and pre-activation, 8 bytes each.
        assertThat(MemoryEstimate.prediction(new int[] {1, 1024, 1}, 200_000)).isEqualTo(200_000L * 1026 * 16);
    }

    @Test
    void trainingAddsBackwardPassAndParameterCopies() {
        int[] sizes = {5, 10, 1};
        long parameters = Network.parameterCount(sizes, true);

        assertThat(MemoryEstimate.training(sizes, 100, true))
                .isEqualTo(2 * MemoryEstimate.prediction(sizes, 100) + parameters * 40);
    }

    @Test
    void hostileShapesSaturateInsteadOfWrapping() {
        int[] wide = new int[1000];
        java.util.Arrays.fill(wide, Integer.MAX_VALUE);

        assertThat(MemoryEstimate.prediction(wide, Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryEstimate.training(wide, Integer.MAX_VALUE, true)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryEstimate.saturatingMultiply(3, 4)).isEqualTo(12);
        assertThat(MemoryEstimate.saturatingAdd(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    }
}
