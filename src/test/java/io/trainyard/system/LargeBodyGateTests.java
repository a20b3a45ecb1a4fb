package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * Large bodies are read a few at a time: with one permit, a second large upload waits and is then
 * answered 503 while the first is still being read, a small request passes meanwhile, and the permit
 * comes back when the first request ends, however it ends.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.limits.large-request-size=1KB",
            "trainyard.limits.concurrent-large-requests=1",
            "trainyard.limits.large-request-wait=500ms",
        })
class LargeBodyGateTests {

    @LocalServerPort
    int port;

    @Autowired
    LargeBodyGate gate;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-large-bodies").toString()::toString);
    }

    /** A dry-run job spec padded past 1 KB with inline data: valid, and large for this test's gate. */
    static String largeDryRun() {
        StringBuilder x = new StringBuilder("[[0.5]");
        StringBuilder y = new StringBuilder("[1.0");
        for (int i = 0; i < 200; i++) {
            x.append(",[0.5]");
            y.append(",1.0");
        }
        return "{\"alpha\": 0.001, \"iterations\": 5, \"data\": {\"x\": " + x + "], \"y\": " + y + "]}}";
    }

    @Test
    void aSecondLargeBodyWaitsThenGets503WhileSmallRequestsPassAndThePermitComesBack() throws Exception {
        Http http = new Http(port, Duration.ofSeconds(30));
        String large = largeDryRun();
        assertThat(large.length()).isGreaterThan(1024);
        http.post("/jobs?dryRun=true", large).expect(200);
        assertThat(gate.available()).isEqualTo(1);

        try (Socket slow = new Socket("localhost", port)) {
            // A large upload that sends its headers and a few bytes, then stalls: it holds the permit.
            startJobUpload(slow, 100_000);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gate.available() == 0);

            Http.Response refused = http.post("/jobs?dryRun=true", large);
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            // When the stalled body is sure to be gone: 10 s (the rate's grace) + 100,000 B at 64 KB/s.
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 12L);
            assertThat(refused.json().get("type").asString()).endsWith("/service-unavailable");
            assertThat(refused.json().get("detail").asString())
                    .contains("1 request bodies over 1024 bytes", "trainyard.limits.concurrent-large-requests");

            // Small bodies never wait for the gate.
            http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.001}")
                    .expect(200);
        }
        // The stalled upload's connection is gone: its request ends and gives the permit back.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gate.available() == 1);
        http.post("/jobs?dryRun=true", large).expect(200);
    }

    @Test
    void aBodyThatEndsBeforeItsDeclaredLengthIsA400NotAnIncident() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            startJobUpload(socket, 500);
            socket.shutdownOutput(); // the client stops sending, and still listens
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json", "Incomplete body");
            assertThat(answer).doesNotContain("incident");
        }
    }

    /** Sends a POST /jobs whose headers declare {@code length} bytes, and only the body's first ten. */
    private static void startJobUpload(Socket socket, int length) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + Http.ADMIN_KEY + "\r\nContent-Length: " + length + "\r\n\r\n"
                        + "{\"alpha\": ")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void thePermitsFollowTheHeapAndTheLargestBody() {
        long mib = 1024L * 1024;
        assertThat(LargeBodyGate.defaultPermits(6 * 1024 * mib, 64 * mib)).isEqualTo(6);
        assertThat(LargeBodyGate.defaultPermits(2 * 1024 * mib, 64 * mib)).isEqualTo(2);
        assertThat(LargeBodyGate.defaultPermits(512 * mib, 64 * mib))
                .as("never none")
                .isEqualTo(1);
        assertThat(LargeBodyGate.defaultPermits(512 * mib, 0)).isPositive();
        assertThat(gate.permits()).as("as configured").isEqualTo(1);
    }
}
