package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * A compressed request body was read as if it were plain: a gzip CSV upload was answered "need at
 * least one input and one target column, got [\u001F\u008B…]" and a gzip JSON body "illegal character
 * (code 31)". It is now a 415 that says to send the body uncompressed; an identity coding is fine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestContentEncodingTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-content-encoding").toString()::toString);
    }

    @Test
    void aCompressedBodyIsA415SayingToSendItUncompressed() throws IOException {
        Http http = new Http(port);
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write("a,y\n1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII));
        }

        Http.Response csv = http.send(HttpRequest.newBuilder(http.uri("/datasets"))
                .header("Content-Type", "text/csv")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip.toByteArray())));

        assertThat(csv.status()).as(csv.text()).isEqualTo(415);
        assertThat(csv.contentType()).startsWith("application/problem+json");
        assertThat(csv.json().get("detail").asString()).contains("'gzip'", "uncompressed");
        Http.Response identity = http.send(HttpRequest.newBuilder(http.uri("/jobs?dryRun=true"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"hw5\", \"alpha\": 0.001}")));
        assertThat(identity.status()).as(identity.text()).isEqualTo(200);
    }
}
