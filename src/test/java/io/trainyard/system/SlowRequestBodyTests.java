package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * A body dribbled a byte at a time, or stalled after its first bytes, held a request thread (and for
 * a large body a {@link LargeBodyGate} permit) for as long as the client liked, and a stall ended in a
 * 500 incident when the container's read timeout fired. Both are now a 408 problem within the grace
 * and the read timeout, with nothing logged as an incident.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.limits.min-request-rate=1KB",
            "trainyard.limits.min-request-rate-grace=1s",
            "server.tomcat.connection-timeout=2s",
        })
class SlowRequestBodyTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-slow-bodies").toString()::toString);
    }

    @Test
    void aBodyDribbledAByteAtATimeIsA408OnceTheGraceIsOver() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = startJobUpload(socket, 5_000, "");
            // A byte every 200 ms: each read comes well within the read timeout, the average far below 1 KB/s.
            CompletableFuture<Void> dribble = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        out.write(' ');
                        out.flush();
                        TimeUnit.MILLISECONDS.sleep(200); // the client's pace, not a synchronisation
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server closed the connection: what this test expects
                }
            });
            long start = System.nanoTime();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(answer)
                    .startsWith("HTTP/1.1 408")
                    .contains("application/problem+json", "request-timeout", "trainyard.limits.min-request-rate")
                    .doesNotContain("incident");
            assertComplete(answer);
            dribble.cancel(true);
        }
    }

    @Test
    void aBodyThatStopsArrivingIsA408AfterTheReadTimeoutNotAnIncident() throws Exception {
        assertStalledUploadIsA408("");
    }

    @Test
    void aStalledBodyWithAnIdempotencyKeyIsA408Too() throws Exception {
        assertStalledUploadIsA408("Idempotency-Key: slow-1\r\n");
    }

    private void assertStalledUploadIsA408(String extraHeaders) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            startJobUpload(socket, 5_000, extraHeaders);

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer)
                    .startsWith("HTTP/1.1 408")
                    .contains("application/problem+json", "stopped arriving")
                    .doesNotContain("incident");
            assertComplete(answer);
        }
    }

    @Test
    void aBodySentAtOnceIsReadAsBefore() {
        new Http(port, Duration.ofSeconds(30))
                .post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.001}")
                .expect(200);
    }

    /** The answer was sent whole before the connection closed: not cut off inside its body. */
    private static void assertComplete(String answer) {
        assertThat(answer).contains("\"status\":408");
        assertThat(answer.endsWith("}") || answer.endsWith("\r\n0\r\n\r\n"))
                .as("ends with its body (or the last chunk): %s", answer)
                .isTrue();
    }

    /** Sends a POST /jobs whose headers declare {@code length} bytes, and only the body's first ten. */
    private static OutputStream startJobUpload(Socket socket, int length, String extraHeaders) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + Http.ADMIN_KEY + "\r\n" + extraHeaders + "Content-Length: "
                        + length + "\r\n\r\n" + "{\"alpha\": ")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return out;
    }
}
