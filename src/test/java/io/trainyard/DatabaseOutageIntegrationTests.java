package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.EmbeddedPostgresServers;
import io.trainyard.support.Http;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL stopped under a running instance, then started again: readiness goes DOWN at once (the
 * instance leaves the load balancer) while liveness stays UP, API requests answer 503 problem+json
 * with Retry-After instead of a 500 incident, and everything comes back when the database does.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            // A request waits this long for a connection before it is answered 503 (30 s by default).
            "spring.datasource.hikari.connection-timeout=1500",
        })
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageIntegrationTests {

    static final Path PG_DATA = temp("trainyard-outage-pg");
    static EmbeddedPostgres postgres = start(0);
    static final int PG_PORT = postgres.getPort();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", () -> temp("trainyard-outage").toString());
        // The restarted server keeps the port, so the first server's URL stays right.
        EmbeddedPostgresServers.use(registry, postgres);
    }

    /** The same cluster (data directory and port) every time, so a restart brings the same database back. */
    private static EmbeddedPostgres start(int port) {
        EmbeddedPostgres.Builder builder =
                EmbeddedPostgres.builder().setDataDirectory(PG_DATA).setCleanDataDirectory(false);
        return EmbeddedPostgresServers.start(port == 0 ? builder : builder.setPort(port));
    }

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readinessFollowsTheDatabaseAndRequestsAnswer503WhileItIsGone(CapturedOutput output) throws Exception {
        Http http = new Http(port);
        // A user's key, never used yet: not in the key cache, so checking it needs the database.
        String userKey = http.post("/keys", java.util.Map.of("name", "outage-user", "role", "user"))
                .expect(201)
                .get("key")
                .asString();
        String job = http.post("/jobs", "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5}")
                .expect(202)
                .get("id")
                .asString();
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);

        postgres.close();
        try {
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(
                                    http.get("/actuator/health/readiness").status())
                            .isEqualTo(503));
            assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
            assertThat(http.get("/actuator/health").status())
                    .as("the overall health answers at once too")
                    .isEqualTo(503);

            Http.Response answer = http.get("/jobs/" + job);
            assertThat(answer.status()).as(answer.text()).isEqualTo(503);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.header("Retry-After")).isEqualTo("5");
            assertThat(answer.json().get("type").asString()).endsWith("/service-unavailable");
            assertThat(answer.json().get("detail").asString()).contains("database cannot be reached");
            Http.Response submit = http.post("/jobs", "{\"dataset\": \"hw5\", \"alpha\": 0.001}");
            assertThat(submit.status())
                    .as("a write, whose transaction cannot start: %s", submit.text())
                    .isEqualTo(503);
            assertThat(submit.header("Retry-After")).isEqualTo("5");

            // The key is checked before any handler runs: the same answer, and no stack trace in the log.
            int logged = output.getOut().length();
            Http.Response unchecked = http.as(userKey).get("/jobs");
            assertThat(unchecked.status()).as(unchecked.text()).isEqualTo(503);
            assertThat(unchecked.contentType()).startsWith("application/problem+json");
            assertThat(unchecked.header("Retry-After")).isEqualTo("5");
            assertThat(output.getOut().substring(logged))
                    .as("what the server logged for that request")
                    .contains("Database unavailable")
                    .doesNotContain("Servlet.service()")
                    .doesNotContain("at io.trainyard.security.BearerKeyFilter");
        } finally {
            postgres = start(PG_PORT);
        }

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(http.get("/actuator/health/readiness").status())
                                .isEqualTo(200));
        assertThat(http.get("/jobs/" + job).expect(200).get("id").asString()).isEqualTo(job);
    }
}
