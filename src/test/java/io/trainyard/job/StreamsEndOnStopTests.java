package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * A stopping instance ends its event streams itself, before the web server's graceful shutdown,
 * which otherwise waited its whole phase for them. The ticker is stretched to an hour and the job
 * trains for minutes: a stream that ends was ended by the stop.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.workers=1", "trainyard.event-streams.tick=1h"})
@DirtiesContext
class StreamsEndOnStopTests {

    @LocalServerPort
    int port;

    @Autowired
    JobEventStreams streams;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-streams-stop").toString()::toString);
    }

    @Test
    void openStreamsEndWhenTheInstanceStopsAndLaterOnesEndAfterTheirFirstStatus() {
        Http http = new Http(port);
        String id = http.post("/jobs", """
                        {"dataset": "hw5", "normalize": true, "alpha": 1e-6, "iterations": 1000000}
                        """).expect(202).path("id").asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "RUNNING"
                        .equals(http.get("/jobs/" + id)
                                .expect(200)
                                .path("status")
                                .asString()));
        CompletableFuture<List<String[]>> open =
                CompletableFuture.supplyAsync(() -> http.events("/jobs/" + id + "/events"));
        await().atMost(Duration.ofSeconds(30)).until(() -> streams.isRunning() && !open.isDone() && watching(id));

        streams.stop();

        List<String[]> told = open.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(told).isNotEmpty();
        assertThat(told.get(0)[0]).isEqualTo("status");
        List<String[]> later = CompletableFuture.supplyAsync(() -> http.events("/jobs/" + id + "/events"))
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
        assertThat(later).hasSize(1);
        assertThat(Http.JSON.readTree(later.get(0)[1]).path("status").asString())
                .isEqualTo("RUNNING");
        http.post("/jobs/" + id + "/cancel", "").expect(202);
    }

    private boolean watching(String id) {
        return streams.watching(id);
    }
}
