package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * A job's final status reaches its event stream when it is stored, not at the ticker's next look:
 * with the tick stretched to an hour, a stream that ends at all was ended by the push.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.workers=1", "trainyard.event-streams.tick=1h"})
class FinalStatusPushTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-push").toString()::toString);
    }

    @Test
    void theStreamEndsWithTheFinalStatusWithoutWaitingForATick() {
        Http http = new Http(port);
        String id = http.post("/jobs", """
                        {"dataset": "hw5", "layers": [4], "activation": "sigmoid", "bias": true,
                         "normalize": true, "scale": 0.1, "alpha": 0.0005, "iterations": 20000, "seed": 3}
                        """).expect(202).path("id").asString();

        // Without the push the stream would stay open for the hour: the read is bounded here.
        List<String[]> events = CompletableFuture.supplyAsync(() -> http.events("/jobs/" + id + "/events"))
                .orTimeout(90, TimeUnit.SECONDS)
                .join();

        String[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo("status");
        assertThat(Http.JSON.readTree(last[1]).path("status").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aQueuedJobCancelledByARequestEndsItsStreamWithoutWaitingForATick() {
        Http http = new Http(port);
        // The one worker is busy with this one, so the next waits in the queue.
        String running = http.post("/jobs", """
                        {"dataset": "hw5", "layers": [4], "alpha": 0.0005, "iterations": 1000000, "seed": 4}
                        """).expect(202).path("id").asString();
        String queued = http.post("/jobs", """
                        {"dataset": "hw5", "layers": [4], "alpha": 0.0005, "iterations": 1000000, "seed": 5}
                        """).expect(202).path("id").asString();
        try {
            // The cancel is sent once the stream has told its first status: the final one is the push's.
            List<String[]> events = CompletableFuture.supplyAsync(() -> http.events(
                            "/jobs/" + queued + "/events",
                            () -> http.post("/jobs/" + queued + "/cancel", "").expect(202)))
                    .orTimeout(90, TimeUnit.SECONDS)
                    .join();

            assertThat(events).hasSizeGreaterThanOrEqualTo(2);
            assertThat(Http.JSON.readTree(events.get(0)[1]).path("status").asString())
                    .isEqualTo("QUEUED");
            String[] last = events.get(events.size() - 1);
            assertThat(last[0]).isEqualTo("status");
            assertThat(Http.JSON.readTree(last[1]).path("status").asString()).isEqualTo("CANCELLED");
        } finally {
            http.post("/jobs/" + running + "/cancel", "");
        }
    }
}
