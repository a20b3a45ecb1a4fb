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
 * One owner holds at most half of the large-body permits: with two, a user key whose one upload
 * stalls is refused a second (429, saying when its own first is due), while another user key and an
 * admin key still have theirs read (hostile-requests audit F2: one key's dribbled uploads held every
 * permit and every other owner got 503s).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.limits.large-request-size=1KB",
            "trainyard.limits.concurrent-large-requests=2",
            "trainyard.limits.large-request-wait=500ms",
        })
class LargeBodySharesTests {

    @LocalServerPort
    int port;

    @Autowired
    LargeBodyGate gate;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-large-body-shares").toString()::toString);
    }

    private static String userKey(Http admin, String name) {
        return admin.post("/keys", Map.of("name", name, "role", "user"))
                .expect(201)
                .get("key")
                .asString();
    }

    @Test
    void aUserWithItsShareOfLargeBodiesWaitsForItsOwnWhileOthersAndAdminsAreRead() throws Exception {
        Http admin = new Http(port, Duration.ofSeconds(30));
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        Http aliceHttp = admin.as(userKey(admin, alice));
        Http bob = admin.as(userKey(admin, "bob-" + UUID.randomUUID().toString().substring(0, 8)));
        String large = LargeBodyGateTests.largeDryRun();
        assertThat(gate.share()).isEqualTo(1);

        try (Socket stalled = new Socket("localhost", port)) {
            // Alice's upload sends its headers and ten bytes of 100,000, then stalls: it holds a permit.
            startJobUpload(stalled, aliceHttp, 100_000);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gate.available() == 1);

            Http.Response refused = aliceHttp.post("/jobs?dryRun=true", large);
            assertThat(refused.status()).as(refused.text()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("type").asString()).endsWith("/too-many-requests");
            assertThat(refused.json().get("detail").asString())
                    .contains("'" + alice + "' has 1 request bodies over 1024 bytes", "its share of the 2")
                    .contains("trainyard.limits.concurrent-large-requests");
            // Her stalled body must have arrived 10 s (the rate's grace) + 100,000 B at 64 KB/s after it began.
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 12L);

            // The other permit is still there for another owner, and for an admin.
            bob.post("/jobs?dryRun=true", large).expect(200);
            admin.post("/jobs?dryRun=true", large).expect(200);
            // Alice's small requests never wait for the gate.
            aliceHttp
                    .post("/jobs?dryRun=true", "{\"dataset\": \"hw5\", \"alpha\": 0.001}")
                    .expect(200);
        }
        // The stalled upload's connection is gone: its request ends, and Alice's share comes back.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gate.available() == 2);
        aliceHttp.post("/jobs?dryRun=true", large).expect(200);
    }

    @Test
    void anOwnersShareIsHalfOfThePermitsAndNeverNone() {
        assertThat(OwnerShares.share(1)).isEqualTo(1);
        assertThat(OwnerShares.share(2)).isEqualTo(1);
        assertThat(OwnerShares.share(5)).isEqualTo(2);
        assertThat(OwnerShares.share(6)).isEqualTo(3);
    }

    /** Sends a POST /jobs with {@code client}'s key whose headers declare {@code length} bytes, and only ten. */
    private static void startJobUpload(Socket socket, Http client, int length) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + client.key() + "\r\nContent-Length: " + length + "\r\n\r\n"
                        + "{\"alpha\": ")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
