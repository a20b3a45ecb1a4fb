package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.DataDirs;
import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/**
 * {@code q=0} in {@code Accept} means "not acceptable" (RFC 9110 §12.4.2), over real HTTP: an endpoint
 * whose every type is refused answers 406 problem+json naming what it produces; one with another type
 * still acceptable answers in that type. Spring alone answered all of these with JSON.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.workers=1", "trainyard.warmup-iterations=0"})
class RefusedMediaTypesIntegrationTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-refused-types"));
    }

    @Test
    void aJsonOnlyEndpointWhoseJsonIsRefusedIs406NamingWhatItProduces() {
        Http http = new Http(port);
        for (String accept : List.of(
                "application/json;q=0",
                "application/json;q=0, text/csv",
                "*/*;q=0",
                // The more specific range wins: everything but JSON.
                "*/*, application/json;q=0",
                "application/*, application/json;q=0")) {
            Http.Response response = http.get("/jobs", accept);

            assertThat(response.status()).as(accept).isEqualTo(406);
            assertThat(response.contentType()).as(accept).startsWith("application/problem+json");
            JsonNode problem = response.json();
            assertThat(problem.get("type").asString()).endsWith("/not-acceptable");
            assertThat(problem.get("detail").asString())
                    .as(accept)
                    .contains("produces application/json")
                    .contains(accept);
        }
    }

    @Test
    void aRefusalOfSomethingElseOrAMoreSpecificAcceptanceLeavesJsonAcceptable() {
        Http http = new Http(port);
        for (String accept : List.of(
                "*/*, text/csv;q=0",
                "application/json;q=0.5, */*;q=0",
                "application/json, application/xml;q=0",
                "*/*;q=0, application/*;q=0.3")) {
            Http.Response response = http.get("/jobs", accept);

            assertThat(response.status()).as(accept).isEqualTo(200);
            assertThat(response.contentType()).as(accept).startsWith("application/json");
        }
    }

    /**
     * The actuator's endpoints are mapped apart from the service's own, and their requests ignored an
     * unknown {@code format} (200 JSON) where docs/api.md promises every endpoint a 400 naming its formats.
     */
    @Test
    void anActuatorEndpointRefusesAFormatTheServiceDoesNotKnowNamingItsOwn() {
        Http http = new Http(port);
        for (String asked : List.of(
                "/actuator/info?format=xml",
                "/actuator/health?format=xml",
                "/actuator/health/liveness?format=bogus",
                "/actuator?format=xml")) {
            Http.Response response = http.get(asked);

            assertThat(response.status()).as("%s: %s", asked, response.text()).isEqualTo(400);
            assertThat(response.contentType()).as(asked).startsWith("application/problem+json");
            assertThat(response.text()).as(asked).contains("format").contains("must be one of json;");
        }
        Http.Response metrics = http.get("/actuator/prometheus?format=xml");
        assertThat(metrics.status()).as(metrics.text()).isEqualTo(400);
        assertThat(metrics.text()).contains("is not for this endpoint", "leave it out");

        // Probes: without a format, and with one the endpoint produces.
        assertThat(http.as(null).get("/actuator/health/liveness").status()).isEqualTo(200);
        Http.Response json = http.as(null).get("/actuator/health/readiness?format=json");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/json");
        assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
        // One the service knows but the endpoint does not produce: the 406 naming what it does.
        Http.Response csv = http.get("/actuator/health?format=csv");
        assertThat(csv.status()).as(csv.text()).isEqualTo(406);
        assertThat(csv.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aHistoryWithJsonRefusedIsServedInATypeStillAccepted() {
        Http http = new Http(port);
        String id = http.post(
                        "/jobs", Map.of("dataset", "hw5", "alpha", 0.0005, "layers", List.of(5, 3), "iterations", 20))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        http.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));
        String losses = "/jobs/" + id + "/losses";

        Http.Response csv = http.get(losses, "application/json;q=0, text/csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.text()).startsWith("iteration,train");

        Http.Response notJson = http.get(losses, "*/*, application/json;q=0");
        assertThat(notJson.status()).isEqualTo(200);
        assertThat(notJson.contentType()).as("text before pictures").startsWith("text/csv");

        Http.Response none = http.get(losses, "*/*, application/json;q=0, text/csv;q=0, image/*;q=0");
        assertThat(none.status()).isEqualTo(406);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.json().get("detail").asString())
                .contains("application/json", "text/csv", "image/png", "image/svg+xml");

        // format overrides Accept, refusals included
        assertThat(http.get(losses + "?format=json", "application/json;q=0").status())
                .isEqualTo(200);
    }

    /**
     * Audit C, F2: {@code format=xml} of a history answered 400 listing {@code onnx} among the allowed
     * formats, and {@code format=onnx} there is a 406. The 400 lists the formats of the endpoint asked.
     */
    @Test
    void anUnknownFormatIs400NamingTheFormatsOfThatEndpointOnly() {
        Http http = new Http(port);
        String unknown = "/" + java.util.UUID.randomUUID();
        for (String history : List.of("/jobs" + unknown + "/losses", "/jobs" + unknown + "/gradients")) {
            Http.Response xml = http.get(history + "?format=xml");
            assertThat(xml.status()).as(history).isEqualTo(400);
            assertThat(xml.contentType()).startsWith("application/problem+json");
            assertThat(xml.json().get("errors").get(0).get("message").asString())
                    .as(history)
                    .isEqualTo("must be one of csv, json, png, svg; got 'xml'");
            // What the 400 does not list is refused as the endpoint's other formats are not offered: 406.
            assertThat(http.get(history + "?format=onnx").status()).as(history).isEqualTo(406);
            // format overrides Accept, also when it is the format that is wrong
            assertThat(http.get(history + "?format=xml", "*/*;q=0").status()).isEqualTo(400);
        }
        assertThat(http.get("/models" + unknown + "?format=xml")
                        .json()
                        .at("/errors/0/message")
                        .asString())
                .isEqualTo("must be one of json, onnx; got 'xml'");
        assertThat(http.get("/jobs?format=XML").json().at("/errors/0/message").asString())
                .isEqualTo("must be one of json; got 'XML'");
        assertThat(http.get("/jobs" + unknown + "/events?format=xml")
                        .json()
                        .at("/errors/0/message")
                        .asString())
                .isEqualTo("is not for this endpoint, which produces only text/event-stream: leave it out; got 'xml'");

        // Refused before the endpoint runs: nothing is queued.
        String name = "format-xml-" + System.nanoTime();
        Map<String, Object> spec = Map.of("name", name, "dataset", "hw5", "alpha", 0.0005, "iterations", 5);
        assertThat(http.post("/jobs?format=xml", spec).status()).isEqualTo(400);
        assertThat(http.get("/jobs?name=" + name).json().get("items")).isEmpty();
    }

    /**
     * Audit contract, F1: a DELETE with an {@code Accept} without JSON answered 406 and deleted nothing,
     * although its 204 has no body to negotiate and the OpenAPI document lists no 406 for it.
     */
    @Test
    void aDeleteAnswersNoContentWhateverTheAcceptAndItsErrorsStayProblemJson() {
        Http http = new Http(port);
        String dataset = http.post(
                        "/datasets",
                        Map.of("name", "no-content", "x", List.of(List.of(1), List.of(2)), "y", List.of(1, 2)))
                .expect(201)
                .get("id")
                .asString();
        String key = http.post("/keys", Map.of("name", "no-content-" + System.nanoTime(), "role", "user"))
                .expect(201)
                .get("id")
                .asString();
        String job = http.post(
                        "/jobs", Map.of("dataset", dataset, "alpha", 0.001, "layers", List.of(), "iterations", 2))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> List.of("SUCCEEDED", "FAILED")
                        .contains(http.get("/jobs/" + job).json().get("status").asString()));

        for (String path : List.of("/jobs/" + job, "/datasets/" + dataset, "/keys/" + key)) {
            Http.Response deleted = deleteAccepting(http, path, "text/csv");
            assertThat(deleted.status()).as(path).isEqualTo(204);
            assertThat(deleted.body()).as(path).isEmpty();

            Http.Response gone = deleteAccepting(http, path, "image/png, application/json;q=0");
            assertThat(gone.status()).as(path).isEqualTo(404);
            assertThat(gone.contentType()).as(path).startsWith("application/problem+json");
            assertThat(gone.json().get("type").asString()).endsWith("/not-found");
        }
        // A format the operation does not know is still refused, naming what it knows.
        assertThat(deleteAccepting(http, "/jobs/" + job + "?format=xml", "*/*")
                        .json()
                        .at("/errors/0/message")
                        .asString())
                .isEqualTo("must be one of json; got 'xml'");
    }

    private static Http.Response deleteAccepting(Http http, String path, String accept) {
        return http.send(
                java.net.http.HttpRequest.newBuilder(http.uri(path)).DELETE().header("Accept", accept));
    }

    @Test
    void anErrorIsStillDeliveredAsProblemJsonWhenTheClientRefusesIt() {
        Http http = new Http(port);

        Http.Response response =
                http.get("/jobs/" + java.util.UUID.randomUUID(), "application/json, application/problem+json;q=0");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).endsWith("/not-found");
    }
}
