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

    @Test
    void theStartUpLineSaysHowToKeepADroppedCoretypeInTheWayThatReachesThisJvm() {
        assertThat(NativeBlas.kernels("SkylakeX", null, null))
                .isEqualTo("kernels forced by OPENBLAS_CORETYPE=SkylakeX");
        assertThat(NativeBlas.kernels(null, null, null)).isEqualTo("kernels for this CPU");
        assertThat(NativeBlas.kernels(null, "Haswell", null))
                .contains("OPENBLAS_CORETYPE=Haswell in the environment not passed on")
                .contains("; -Dtrainyard.blas.coretype=inherit keeps it");
        // ./mvnw spring-boot:run: a -D on Maven's command line stays in Maven's JVM
        assertThat(NativeBlas.kernels(null, "Haswell", "class-path"))
                .contains("-Dspring-boot.run.jvmArguments=-Dtrainyard.blas.coretype=inherit keeps it");
    }
}
