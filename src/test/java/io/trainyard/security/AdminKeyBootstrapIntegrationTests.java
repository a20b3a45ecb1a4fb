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

    @Test
    void theLastAdminKeyCannotBeRevokedNotEvenByItself() throws Exception {
        // It could: nobody could then create or revoke keys, or read /actuator/info, until a restart wrote a
        // new admin.key.
        Http admin =
                new Http(port, Files.readString(DATA_DIR.resolve("admin.key")).strip());
        Http.Response last = admin.delete("/keys/" + KeyRepository.ADMIN_ID);
        assertThat(last.status()).as(last.text()).isEqualTo(409);
        assertThat(last.contentType()).startsWith("application/problem+json");
        assertThat(last.json().get("detail").asString())
                .contains("'admin' is the last admin key; create another admin first");
        admin.get("/keys/me").expect(200);

        // With a second admin, either may go: here the second revokes itself, which leaves the first.
        String name = "second-" + java.util.UUID.randomUUID();
        var created = admin.post("/keys", java.util.Map.of("name", name, "role", "admin"))
                .expect(201);
        Http second = admin.as(created.get("key").asString());
        second.delete("/keys/" + created.get("id").asString()).expect(204);
        assertThat(second.get("/keys/me").status()).isEqualTo(401);
        assertThat(admin.delete("/keys/" + KeyRepository.ADMIN_ID).status())
                .as("the first is the last again")
                .isEqualTo(409);
    }
}
