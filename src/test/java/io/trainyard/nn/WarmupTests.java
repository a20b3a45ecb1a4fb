package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmupTests {

    @Test
    void trainsTheSmallPathForTheIterationsAndTheWidePathForATenth() {
        assertThat(Warmup.run(200)).isEqualTo(200 + 20);
    }

    @Test
    void atLeastOneIterationOnTheWidePath() {
        assertThat(Warmup.run(5)).isEqualTo(5 + 1);
    }
}
