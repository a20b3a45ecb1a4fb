package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The studies in {@code examples/} run against a live service (in quick mode: fewer iterations), so
 * they keep working as the API evolves. Each must exit 0 and write its figures.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "trainyard.workers=2")
class ExamplesIntegrationTests {

    private static final Path EXAMPLES = Path.of("examples");
    private static final Path FIGURES = Path.of("target", "studies");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("trainyard-examples");
        registry.add("trainyard.data-dir", dir::toString);
    }

    @BeforeAll
    static void needsPython() {
        assumeTrue(python() != null, "python3 is not installed: the examples are Python scripts; skipping them");
    }

    static Stream<String> studies() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d\\d_.*\\.py"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("studies")
    void aStudyRunsAgainstTheServiceAndDrawsItsFigures(String script) throws Exception {
        Path out = FIGURES.resolve(script.replace(".py", ""));
        Files.createDirectories(out);
        File log = out.resolve("output.txt").toFile();
        ProcessBuilder builder = new ProcessBuilder(python(), script)
                .directory(EXAMPLES.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log);
        builder.environment().put("TRAINYARD_URL", "http://localhost:" + port);
        builder.environment().put("TRAINYARD_KEY", io.trainyard.support.Http.ADMIN_KEY);
        builder.environment().put("OUT_DIR", out.toAbsolutePath().toString());
        builder.environment().put("QUICK", "1");

        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }

        String output = Files.readString(log.toPath());
        assertThat(finished)
                .as("%s finished in time; output:%n%s", script, output)
                .isTrue();
        assertThat(process.exitValue())
                .as("%s exit code; output:%n%s", script, output)
                .isZero();
        assertThat(output).as(script).contains("|---|");
        try (Stream<Path> files = Files.list(out)) {
            List<Path> figures =
                    files.filter(p -> p.toString().endsWith(".png")).toList();
            if (!script.startsWith("06_")) {
                assertThat(figures).as("%s wrote its figures", script).isNotEmpty();
            }
            for (Path figure : figures) {
                assertThat(Files.size(figure)).as(figure.toString()).isGreaterThan(1000);
            }
        }
    }

    private static String python() {
        for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, "python3"))) {
                    return Path.of(dir, "python3").toString();
                }
            }
        }
        return null;
    }
}
