package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.trainyard.JvmRelaunch.Launch;
import io.trainyard.JvmRelaunch.Plan;

/** When the service starts itself again, and with what: the launch decisions, without starting a JVM. */
class JvmRelaunchTests {

    private static final String JAR = "/opt/trainyard.jar";
    private static final String JAVA = Path.of("/jdk", "bin", "java").toString();
    private static final String[] ARGS = {"--server.port=9000"};

    private static Launch javaJar(boolean module, Map<String, String> environment, Map<String, String> properties) {
        return new Launch(
                module,
                true,
                true,
                JAR,
                JAR + " --server.port=9000",
                "/jdk",
                List.of("-Xmx1g"),
                environment,
                properties);
    }

    private static Launch classPath(Map<String, String> environment, Map<String, String> properties) {
        return new Launch(
                true,
                true,
                true,
                "/src/target/classes:/m2/a.jar",
                "io.trainyard.TrainyardApplication --server.port=9000",
                "/jdk",
                List.of("--add-modules", "jdk.incubator.vector"),
                environment,
                properties);
    }

    @Test
    void javaJarWithoutTheVectorModuleRestartsWithIt() {
        Plan plan = JvmRelaunch.plan(javaJar(false, Map.of(), Map.of()), ARGS);

        assertThat(plan.command())
                .containsExactly(
                        JAVA,
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-XX:Tier4InvocationThreshold=50000",
                        "-XX:Tier4MinInvocationThreshold=6000",
                        "-XX:Tier4CompileThreshold=150000",
                        "-Xmx1g",
                        "-Dtrainyard.relaunched=true",
                        "-jar",
                        JAR,
                        "--server.port=9000");
        assertThat(plan.environment()).containsExactly(Map.entry("OPENBLAS_NUM_THREADS", "1"));
    }

    @Test
    void anInheritedCoreTypeIsNotPassedOnAndTheChildIsToldWhichOneWasDropped() {
        Plan plan = JvmRelaunch.plan(javaJar(false, Map.of("OPENBLAS_CORETYPE", "Haswell"), Map.of()), ARGS);

        assertThat(plan.environment()).containsEntry("OPENBLAS_CORETYPE", null).hasSize(2);
        assertThat(plan.command()).contains("-Dtrainyard.blas.dropped-coretype=Haswell");
    }

    @Test
    void anInheritedCoreTypeAloneIsReasonEnoughToRestart() {
        Plan plan = JvmRelaunch.plan(javaJar(true, Map.of("OPENBLAS_CORETYPE", "Haswell"), Map.of()), ARGS);

        assertThat(plan.command()).doesNotContain("--add-modules").contains("-jar", JAR);
        assertThat(plan.environment()).containsEntry("OPENBLAS_CORETYPE", null);
    }

    @Test
    void theModuleAndNoCoreTypeNeedNoRestart() {
        assertThat(JvmRelaunch.plan(javaJar(true, Map.of("OPENBLAS_L2_SIZE", "512"), Map.of()), ARGS))
                .isNull();
    }

    @Test
    void inheritKeepsTheEnvironmentsCoreType() {
        Map<String, String> inherit = Map.of("trainyard.blas.coretype", "inherit");

        assertThat(JvmRelaunch.plan(javaJar(true, Map.of("OPENBLAS_CORETYPE", "Haswell"), inherit), ARGS))
                .isNull();
        Plan forModule = JvmRelaunch.plan(javaJar(false, Map.of("OPENBLAS_CORETYPE", "Haswell"), inherit), ARGS);
        assertThat(forModule.environment()).doesNotContainKey("OPENBLAS_CORETYPE");
        assertThat(forModule.command()).noneMatch(arg -> arg.startsWith("-Dtrainyard.blas.dropped-coretype"));
    }

    @Test
    void aBlasTheUserChoseKeepsTheEnvironmentsCoreType() {
        Map<String, String> haswell = Map.of("OPENBLAS_CORETYPE", "Haswell");

        for (Map<String, String> chosen : List.of(
                Map.of("trainyard.blas.bundled", "false"),
                Map.of("dev.ludovic.netlib.blas.nativeLib", "libopenblas.so"),
                Map.of("dev.ludovic.netlib.blas.nativeLibPath", "/usr/lib/libopenblas.so"))) {
            assertThat(JvmRelaunch.plan(javaJar(true, haswell, chosen), ARGS))
                    .as("%s", chosen)
                    .isNull();
            assertThat(JvmRelaunch.plan(javaJar(false, haswell, chosen), ARGS).environment())
                    .as("%s", chosen)
                    .doesNotContainKey("OPENBLAS_CORETYPE");
        }
    }

    @Test
    void theChildsOpenBlasRunsOneThreadUnlessTheEnvironmentSaysOtherwise() {
        Map<String, String> bundledOff = Map.of("trainyard.blas.bundled", "false");

        assertThat(JvmRelaunch.plan(javaJar(false, Map.of(), bundledOff), ARGS).environment())
                .containsEntry("OPENBLAS_NUM_THREADS", "1");
        assertThat(JvmRelaunch.plan(javaJar(false, Map.of("OPENBLAS_NUM_THREADS", "4"), bundledOff), ARGS)
                        .environment())
                .doesNotContainKey("OPENBLAS_NUM_THREADS");
        // not a reason to restart by itself
        assertThat(JvmRelaunch.plan(javaJar(true, Map.of(), bundledOff), ARGS)).isNull();
    }

    @Test
    void aNamedCoreTypeIsSetForTheChild() {
        Map<String, String> forced = Map.of("trainyard.blas.coretype", "SkylakeX");

        Plan plan = JvmRelaunch.plan(javaJar(true, Map.of("OPENBLAS_CORETYPE", "Haswell"), forced), ARGS);
        assertThat(plan.environment())
                .containsOnly(Map.entry("OPENBLAS_CORETYPE", "SkylakeX"), Map.entry("OPENBLAS_NUM_THREADS", "1"));
        assertThat(JvmRelaunch.plan(javaJar(true, Map.of("OPENBLAS_CORETYPE", "SkylakeX"), forced), ARGS))
                .isNull();
    }

    @Test
    void neverWhenSwitchedOffOrAlreadyRelaunched() {
        Map<String, String> haswell = Map.of("OPENBLAS_CORETYPE", "Haswell");

        assertThat(JvmRelaunch.plan(javaJar(false, haswell, Map.of("trainyard.relaunch", "false")), ARGS))
                .isNull();
        assertThat(JvmRelaunch.plan(javaJar(false, haswell, Map.of("trainyard.relaunched", "true")), ARGS))
                .isNull();
    }

    @Test
    void aClassPathLaunchRestartsOnlyWhenAskedTo() {
        Map<String, String> haswell = Map.of("OPENBLAS_CORETYPE", "Haswell");

        // An IDE's launch: its debugger would not follow a child.
        assertThat(JvmRelaunch.plan(classPath(haswell, Map.of()), ARGS)).isNull();

        Map<String, String> asked = new HashMap<>(Map.of("trainyard.relaunch", "class-path"));
        Plan plan = JvmRelaunch.plan(classPath(haswell, asked), ARGS);
        assertThat(plan.command())
                .containsExactly(
                        JAVA,
                        "-XX:Tier4InvocationThreshold=50000",
                        "-XX:Tier4MinInvocationThreshold=6000",
                        "-XX:Tier4CompileThreshold=150000",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-Dtrainyard.relaunched=true",
                        "-Dtrainyard.blas.dropped-coretype=Haswell",
                        "-cp",
                        "/src/target/classes:/m2/a.jar",
                        "io.trainyard.TrainyardApplication",
                        "--server.port=9000");
        assertThat(JvmRelaunch.plan(classPath(Map.of(), asked), ARGS)).isNull();
    }

    @Test
    void anotherMainClassIsNotRelaunched() {
        Launch tool = new Launch(
                false,
                true,
                true,
                "/a.jar:/b.jar",
                "org.example.Tool",
                "/jdk",
                List.of(),
                Map.of("OPENBLAS_CORETYPE", "Haswell"),
                Map.of("trainyard.relaunch", "class-path"));

        assertThat(JvmRelaunch.plan(tool, ARGS)).isNull();
    }

    @Test
    void compilerThresholdsTheCommandLineSetsAreKeptAndOnlyHotSpotGetsOurs() {
        Launch own = new Launch(
                false,
                true,
                true,
                JAR,
                JAR + " --server.port=9000",
                "/jdk",
                List.of("-XX:Tier4InvocationThreshold=7000"),
                Map.of(),
                Map.of());
        assertThat(JvmRelaunch.plan(own, ARGS).command())
                .containsSubsequence("-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000")
                .contains("-XX:Tier4InvocationThreshold=7000")
                .doesNotContain("-XX:Tier4InvocationThreshold=50000");

        Launch otherJvm =
                new Launch(false, true, false, JAR, JAR + " --server.port=9000", "/jdk", List.of(), Map.of(), Map.of());
        assertThat(JvmRelaunch.plan(otherJvm, ARGS).command()).noneMatch(arg -> arg.startsWith("-XX:Tier4"));
    }

    @Test
    void theMavenPluginTheDockerImageAndTheBenchmarkStartWithTheSameThresholds() throws java.io.IOException {
        // All three pass the vector module themselves, so JvmRelaunch does not start them again; bench/run's
        // engine column is meant to run as the service does.
        String pom = java.nio.file.Files.readString(Path.of("pom.xml"));
        String dockerfile = java.nio.file.Files.readString(Path.of("Dockerfile"));
        String bench = java.nio.file.Files.readString(Path.of("bench", "run"));
        for (String flag : JvmRelaunch.JIT_FLAGS) {
            assertThat(pom).contains(flag);
            assertThat(dockerfile).contains("\"" + flag + "\"");
            assertThat(bench).contains(flag);
        }
    }
}
