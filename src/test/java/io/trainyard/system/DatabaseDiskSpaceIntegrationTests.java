package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * The free-space guard in the running service, with a fake reading of the disk (the service's own
 * guard, on the real data directory, but told how much is free): below the minimum, every request
 * that would store something is answered 503 problem+json and stores nothing, readiness is DOWN, and
 * reads and dry runs go on; once there is room, the same requests are accepted again.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.workers=1"})
class DatabaseDiskSpaceIntegrationTests {

    private static final long MIB = 1024L * 1024;
    private static final long MIN_FREE = 256 * MIB;
    private static final Path DATA_DIR = tempDataDir();
    private static final AtomicLong FREE = new AtomicLong(3 * MIB);

    private static final String JOB = "{\"dataset\": \"hw5\", \"layers\": [5], \"alpha\": 0.001, \"iterations\": 20}";

    @LocalServerPort
    int port;

    @TestBean
    DatabaseDiskSpace databaseDiskSpace;

    /** The guard the service builds, reading the fake free space instead of the disk's. */
    static DatabaseDiskSpace databaseDiskSpace() {
        return new DatabaseDiskSpace(DATA_DIR, MIN_FREE, FREE::get, System::nanoTime);
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DATA_DIR::toString);
    }

    @Test
    void belowTheMinimumNothingIsStoredAndReadinessIsDownThenWorkIsAcceptedOnceThereIsRoom() {
        Http http = new Http(port);
        FREE.set(3 * MIB);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/actuator/health/readiness").status() == 503);

        Http.Response job = http.post("/jobs", JOB);
        assertRefused(job);
        assertThat(job.json().get("detail").asString())
                .contains(DATA_DIR.toString())
                .contains("3.0 MiB")
                .contains("256.0 MiB");
        assertThat(job.json().get("freeBytes").asLong()).isEqualTo(3 * MIB);
        assertRefused(http.post(
                "/sweeps", "{\"name\": \"s\", \"base\": " + JOB + ", \"grid\": {\"alpha\": [0.001, 0.002]}}"));
        assertRefused(http.post("/datasets?name=refused", "text/csv", "a,y\n1,2\n3,4\n"));
        assertRefused(http.post("/datasets", "{\"name\": \"refused\", \"x\": [[1], [2]], \"y\": [1, 2]}"));
        assertRefused(http.post("/models", "{}"));
        Http.Response keyed = submitWithKey(http, "disk-short-then-room");
        assertRefused(keyed);

        // Nothing was stored; reads, dry runs and liveness go on.
        assertThat(http.get("/jobs").expect(200).get("items")).isEmpty();
        assertThat(http.get("/sweeps").expect(200).get("items")).isEmpty();
        assertThat(http.get("/models").expect(200).get("items")).isEmpty();
        for (JsonNode dataset : http.get("/datasets").expect(200).get("items")) {
            assertThat(dataset.get("builtIn").asBoolean())
                    .as(dataset.toString())
                    .isTrue();
        }
        http.post("/jobs?dryRun=true", JOB).expect(200);
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);

        FREE.set(MIN_FREE);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/actuator/health/readiness").status() == 200);
        // The refusal was not kept for the key: its retry is handled afresh.
        String id = submitWithKey(http, "disk-short-then-room")
                .expect(202)
                .get("id")
                .asString();
        assertThat(http.get("/jobs").expect(200).get("items")).hasSize(1);
        assertThat(http.get("/jobs/" + id).expect(200).get("id").asString()).isEqualTo(id);
        http.post("/datasets?name=accepted", "text/csv", "a,y\n1,2\n3,4\n").expect(201);
    }

    private static void assertRefused(Http.Response answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(503);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.header("Retry-After")).isEqualTo("60");
        assertThat(answer.json().get("type").asString()).endsWith("/insufficient-storage");
        assertThat(answer.header("Location")).isNull();
    }

    private static Http.Response submitWithKey(Http http, String key) {
        return http.send(HttpRequest.newBuilder(http.uri("/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(JOB)));
    }

    private static Path tempDataDir() {
        try {
            return Files.createTempDirectory("trainyard-disk-space");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
