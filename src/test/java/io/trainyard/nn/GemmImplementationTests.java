package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The engine says which matrix products it runs, and each test run really runs the ones it asked for. */
class GemmImplementationTests {

    @Test
    void theActiveImplementationIsNamedAndMatchesWhatWasAskedFor() {
        assertThat(Gemm.implementation()).startsWith("dev.ludovic.netlib ");
        if ("none".equals(System.getProperty(NativeBlas.NETLIB_NAME))) {
            assertThat(Gemm.isNative())
                    .as("native BLAS was switched off for this run")
                    .isFalse();
            assertThat(Gemm.implementation()).contains("pure Java");
        }
    }

    @Test
    void whereTheJarCarriesOpenBlasForThisPlatformTheProductsRunOnIt() {
        boolean userChoseBlas = System.getProperty(NativeBlas.NETLIB_NAME) != null
                && !System.getProperty(NativeBlas.NETLIB_PATH, "").contains(".javacpp");
        boolean binaryForThisPlatform =
                getClass().getClassLoader().getResource("org/bytedeco/openblas/" + NativeBlas.platform() + "/") != null;
        if (userChoseBlas || !binaryForThisPlatform) {
            assertThat(Gemm.isBundledNative()).isFalse();
            return;
        }
        // No apt package, no environment variable: what a fresh machine gets from the jar alone.
        assertThat(Gemm.isNative()).isTrue();
        assertThat(Gemm.isBundledNative()).isTrue();
        assertThat(Gemm.implementation())
                .contains("native OpenBLAS 0.3.31 bundled for " + NativeBlas.platform())
                .contains("1 BLAS thread(s)");
    }
}
