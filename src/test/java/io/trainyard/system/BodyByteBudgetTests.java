package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * Bodies under the large-body threshold were read at any concurrency (thirty 3.9 MB prediction bodies
 * at once ran a 256 MB heap out of memory): with a byte budget of 200 KB, a second 150 KB body waits
 * while the first is read and is then answered 503, small bodies pass meanwhile, and the budget comes
 * back when the first request ends. A user key holds at most half of the budget.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.limits.concurrent-body-bytes=200KB",
            "trainyard.limits.large-request-size=10MB",
            "trainyard.limits.large-request-wait=500ms",
        })
class BodyByteBudgetTests {

    @LocalServerPort
    int port;

    @Autowired
    LargeBodyGate gate;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-body-budget").toString()::toString);
    }

    /** A dry-run job spec of {@code kib} KiB: inline data padded with spaces. */
    private static String bodyOf(int kib) {
        String spec = "{\"alpha\": 0.001, \"iterations\": 5, \"data\": {\"x\": [[1], [2]], \"y\": [1, 2]}}";
        return spec + " ".repeat(kib * 1024 - spec.length());
    }

    /** Sends the headers of a dry-run POST /jobs of {@code length} bytes with {@code key}, and ten bytes of it. */
    private static void startUpload(Socket socket, String key, int length) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /jobs?dryRun=true HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + key + "\r\nContent-Length: " + length
                        + "\r\n\r\n{\"alpha\": ")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void aSecondMidSizedBodyWaitsForTheBudgetThenGets503AndTheBudgetComesBack() throws Exception {
        Http http = new Http(port, Duration.ofSeconds(30));
        String body = bodyOf(150);
        http.post("/jobs?dryRun=true", body).expect(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gate.availableKib() == 200);

        try (Socket slow = new Socket("localhost", port)) {
            startUpload(slow, Http.ADMIN_KEY, body.length());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gate.availableKib() == 50);

            Http.Response refused = http.post("/jobs?dryRun=true", body);
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(refused.json().get("detail").asString()).contains("trainyard.limits.concurrent-body-bytes");
            http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.001}")
                    .expect(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gate.availableKib() == 200);
        http.post("/jobs?dryRun=true", body).expect(200);
    }

    /**
     * One user key's dribbled bodies held the whole budget (32 of them, its concurrent-request
     * quota, are 125 MB of 3.9 MB bodies): past half of it the key is answered 429, saying when its own
     * first body is due, while another key's body of the same size is read.
     */
    @Test
    void aUserKeyHoldsAtMostHalfOfTheBudget() throws Exception {
        Http admin = new Http(port, Duration.ofSeconds(30));
        assertThat(gate.byteShare()).isEqualTo(100);
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String aliceKey = admin.post("/keys", Map.of("name", alice, "role", "user"))
                .expect(201)
                .get("key")
                .asString();
        Http bob = admin.as(admin.post("/keys", Map.of("name", "bob-" + alice, "role", "user"))
                .expect(201)
                .get("key")
                .asString());
        String body = bodyOf(80);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gate.availableKib() == 200);

        try (Socket slow = new Socket("localhost", port)) {
            startUpload(slow, aliceKey, body.length());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gate.availableKib() == 120);

            Http.Response refused = admin.as(aliceKey).post("/jobs?dryRun=true", body);
            assertThat(refused.status()).as(refused.text()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asString())
                    .contains("'" + alice + "'", "its share of the 200 KiB", "trainyard.limits.concurrent-body-bytes");
            // Her stalled body must have arrived 10 s (the rate's grace) + 80 KiB at 64 KB/s after it began.
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 12L);

            bob.post("/jobs?dryRun=true", body).expect(200);
            admin.post("/jobs?dryRun=true", body).expect(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gate.availableKib() == 200);
        admin.as(aliceKey).post("/jobs?dryRun=true", body).expect(200);
    }
}
