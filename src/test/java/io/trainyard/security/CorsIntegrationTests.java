package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

/** {@code trainyard.cors.allowed-origins}: a page on a listed origin may call the API with its key; others may not. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.warmup-iterations=0",
            "trainyard.cors.allowed-origins=https://dashboard.example",
        })
class CorsIntegrationTests {

    private static final String LISTED = "https://dashboard.example";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-cors"));
    }

    private Http.Response preflight(String origin, String method, String headers) {
        return new Http(port)
                .as(null)
                .send(HttpRequest.newBuilder(new Http(port).uri("/jobs"))
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", method)
                        .header("Access-Control-Request-Headers", headers)
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void aListedOriginMayCallWithItsKeyAndReadTheHeadersThatCarryMeaning() {
        Http.Response allowed = preflight(LISTED, "POST", "authorization,content-type,idempotency-key");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(LISTED);
        assertThat(allowed.header("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT))
                .contains("authorization", "content-type", "idempotency-key");

        Http admin = new Http(port);
        Http.Response answer = admin.send(HttpRequest.newBuilder(admin.uri("/keys/me"))
                .header("Origin", LISTED)
                .GET());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(LISTED);
        // A script on that page reads only the headers listed here: where a new job is, when to retry, how
        // fine a history is, and whether an answer is a replay of an Idempotency-Key.
        assertThat(answer.header("Access-Control-Expose-Headers"))
                .contains("Location", "Retry-After", "Trainyard-History-Resolution", "Idempotent-Replayed");
    }

    @Test
    void anOriginNotListedIsRefused() {
        Http.Response refused = preflight("https://elsewhere.example", "POST", "authorization");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
    }
}
