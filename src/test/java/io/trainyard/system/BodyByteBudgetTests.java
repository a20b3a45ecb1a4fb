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
 * Bodies under the large-body threshold were read at any concurrency (thirty 3.9 MB prediction bodies
 * at once ran a 256 MB heap out of memory): with a byte budget of 100 KB, a second 80 KB body waits
 * while the first is read and is then answered 503, small bodies pass meanwhile, and the budget comes
 * back when the first request ends.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.limits.concurrent-body-bytes=100KB",
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

    /** A dry-run job spec of about 80 KB: inline data padded with spaces. */
    private static String bodyOf80Kb() {
        String spec = "{\"alpha\": 0.001, \"iterations\": 5, \"data\": {\"x\": [[1], [2]], \"y\": [1, 2]}}";
        return spec + " ".repeat(80 * 1024 - spec.length());
    }

    @Test
    void aSecondMidSizedBodyWaitsForTheBudgetThenGets503AndTheBudgetComesBack() throws Exception {
        Http http = new Http(port, Duration.ofSeconds(30));
        String body = bodyOf80Kb();
        http.post("/jobs?dryRun=true", body).expect(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gate.availableKib() == 100);

        try (Socket slow = new Socket("localhost", port)) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /jobs?dryRun=true HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Authorization: Bearer " + Http.ADMIN_KEY + "\r\nContent-Length: " + body.length()
                            + "\r\n\r\n{\"alpha\": ")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gate.availableKib() == 20);

            Http.Response refused = http.post("/jobs?dryRun=true", body);
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(refused.json().get("detail").asString()).contains("trainyard.limits.concurrent-body-bytes");
            http.post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.001}")
                    .expect(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gate.availableKib() == 100);
        http.post("/jobs?dryRun=true", body).expect(200);
    }
}
