package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * One owner's slow uploads hold at most {@code max-concurrent-requests} request threads: its next
 * request is a 429 with Retry-After at once, while other owners (and admins) are served as usual, and
 * the owner is served again as soon as its requests end.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.quota.max-concurrent-requests=3"})
class ConcurrentRequestsLimitTests {

    @LocalServerPort
    int port;

    @Autowired
    ConcurrentRequestsLimit limit;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-concurrent").toString()::toString);
    }

    @Test
    void anOwnersStalledUploadsHoldAtMostItsShareAndOthersAreServed() throws Exception {
        Http admin = new Http(port, Duration.ofSeconds(30));
        String name = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        String key = admin.post("/keys", Map.of("name", name, "role", "user"))
                .expect(201)
                .get("key")
                .asString();
        Http mallory = admin.as(key);
        Http alice = admin.as(admin.post(
                        "/keys",
                        Map.of("name", "other-" + UUID.randomUUID().toString().substring(0, 8), "role", "user"))
                .expect(201)
                .get("key")
                .asString());

        List<Socket> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket("localhost", port);
                uploads.add(socket);
                socket.getOutputStream()
                        .write(("POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                        + "Authorization: Bearer " + key + "\r\nContent-Length: 1000\r\n\r\n{")
                                .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> limit.inFlight(name) == 3);

            // A fourth stalled upload is answered at once: its body is neither waited for nor swallowed
            // by Tomcat after the answer (which held the thread until the read timeout, uncounted).
            try (Socket fourth = new Socket("localhost", port)) {
                fourth.setSoTimeout(10_000);
                fourth.getOutputStream()
                        .write(("POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                        + "Authorization: Bearer " + key + "\r\nContent-Length: 1000\r\n\r\n{")
                                .getBytes(StandardCharsets.US_ASCII));
                fourth.getOutputStream().flush();
                long start = System.nanoTime();
                String answer = new String(fourth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 429").contains("trainyard.quota.max-concurrent-requests");
                assertThat(answer.endsWith("}") || answer.endsWith("\r\n0\r\n\r\n"))
                        .as("the whole answer before the connection closed: %s", answer)
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }

            Http.Response refused = mallory.get("/jobs");
            assertThat(refused.status()).as(refused.text()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
            assertThat(refused.json().get("detail").asString()).contains("trainyard.quota.max-concurrent-requests");
            alice.get("/jobs").expect(200);
            admin.get("/jobs").expect(200);
        } finally {
            for (Socket socket : uploads) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> limit.inFlight(name) == 0);
        mallory.get("/jobs").expect(200);
    }
}
