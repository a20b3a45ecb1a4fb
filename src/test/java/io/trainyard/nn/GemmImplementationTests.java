package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The engine says which matrix products it runs, and the pure-Java test run really runs them. */
class GemmImplementationTests {

    @Test
    void theActiveImplementationIsNamedAndMatchesWhatWasAskedFor() {
        assertThat(Gemm.implementation()).startsWith("dev.ludovic.netlib ");
        if ("none".equals(System.getProperty("dev.ludovic.netlib.blas.nativeLib"))) {
            assertThat(Gemm.isNative()).as("native BLAS was switched off for this run").isFalse();
            assertThat(Gemm.implementation()).contains("pure Java");
        }
    }
}
