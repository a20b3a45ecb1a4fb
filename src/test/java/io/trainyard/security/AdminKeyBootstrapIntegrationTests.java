package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * The first start without a configured key: an admin key is created, written to
 * {@code <data-dir>/admin.key} readable by the owner only, and never logged.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.auth.bootstrap-key=",
            "trainyard.workers=1",
        })
class AdminKeyBootstrapIntegrationTests {

    static final Path DATA_DIR = temp();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DATA_DIR::toString);
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("trainyard-bootstrap");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theFirstStartWritesAnOwnerOnlyAdminKeyAndLogsOnlyItsPath(CapturedOutput output) throws Exception {
        Path file = DATA_DIR.resolve("admin.key");
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String content = Files.readString(file);
        assertThat(content).startsWith("ty_").endsWith("\n");
        String key = content.strip();
        assertThat(key.length()).as("ty_ + 256 bits in base64url").isGreaterThanOrEqualTo(3 + 43);

        Http admin = new Http(port, key);
        assertThat(admin.get("/keys/me").expect(200).get("role").asString()).isEqualTo("admin");
        assertThat(new Http(port).get("/keys/me").status())
                .as("the tests' usual key is not configured here")
                .isEqualTo(401);

        assertThat(output.getAll())
                .contains(file.toAbsolutePath().normalize().toString())
                .doesNotContain(key);
    }
}
