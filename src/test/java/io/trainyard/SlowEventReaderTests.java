package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * A reader that opens an event stream and then never reads (a raw socket with a tiny receive buffer)
 * while a job trains and other clients follow it normally: the others keep getting their events at
 * the usual pace, and the server drops the stalled stream once its queue is full, which its metric
 * of open streams shows.
 *
 * <p>The server's send buffer is made small too (test configuration), so that the stalled
 * connection's buffers fill within seconds instead of after hundreds of kilobytes of events. The
 * ticker looks every 50 ms instead of every 250 ms, so that the events that fill the buffers and then
 * the stalled stream's queue come five times as fast (a progress event per tick while the iteration
 * moves on): the same events, sooner.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.history-flush-interval=200ms",
            "trainyard.event-streams.tick=50ms"
        })
class SlowEventReaderTests {

    private static final int WATCHERS = 3;
    /** Progress events come at least once a second while a job runs; this much silence is a stall. */
    private static final long MAX_GAP_MILLIS = 3_000;

    @TestConfiguration
    static class SmallSendBuffers {
        @Bean
        TomcatConnectorCustomizer smallSendBuffers() {
            return connector -> connector.setProperty("socket.txBufSize", "4096");
        }
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "trainyard.data-dir",
                Files.createTempDirectory("trainyard-slow-reader").toString()::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void aReaderThatNeverReadsIsDroppedWhileTheOthersKeepTheirPace() throws Exception {
        Http http = new Http(port);
        // Wide enough to train for many minutes even on a quiet machine: the job outlives the test.
        String id = http.post(
                        "/jobs",
                        Map.of("dataset", "hw5", "alpha", 1e-7, "layers", List.of(128, 128), "iterations", 1_000_000))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        http.get("/jobs/" + id).json().get("status").asString().equals("RUNNING"));

        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<ConcurrentLinkedQueue<Long>> arrivals = new ArrayList<>();
        List<CompletableFuture<HttpResponse<Stream<String>>>> watchers = new ArrayList<>();
        Socket stalled = new Socket();
        try {
            for (int i = 0; i < WATCHERS; i++) {
                ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
                arrivals.add(times);
                CompletableFuture<HttpResponse<Stream<String>>> response = client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/" + id + "/events"))
                                .header("Accept", "text/event-stream")
                                .header("Authorization", "Bearer " + Http.ADMIN_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
                watchers.add(response);
                // Each watcher reads on its own thread, noting when each progress event arrives.
                response.thenAcceptAsync(r -> r.body()
                        .filter(line -> line.equals("event:progress"))
                        .forEach(line -> times.add(System.nanoTime())));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.stream().allMatch(t -> !t.isEmpty()));
            await().atMost(Duration.ofSeconds(30)).until(() -> openStreams(http) == WATCHERS);

            // Opens a stream and never reads a byte of it.
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new InetSocketAddress("localhost", port));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /jobs/" + id + "/events HTTP/1.1\r\n"
                            + "Host: localhost:" + port + "\r\n"
                            + "Accept: text/event-stream\r\n"
                            + "Authorization: Bearer " + Http.ADMIN_KEY + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long stalledAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> openStreams(http) == WATCHERS + 1);

            // Its buffers fill, then its queue of 64 events: the server drops it and counts the drop.
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> openStreams(http) == WATCHERS && droppedStreams(http) >= 1);
            long droppedAt = System.nanoTime();
            assertThat(http.get("/jobs/" + id).json().get("status").asString())
                    .as("the job was running all along")
                    .isEqualTo("RUNNING");

            // Every watcher still gets events after the drop, and got them at the usual pace throughout.
            int[] seen = arrivals.stream().mapToInt(ConcurrentLinkedQueue::size).toArray();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (int i = 0; i < WATCHERS; i++) {
                    if (arrivals.get(i).size() <= seen[i]) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < WATCHERS; i++) {
                long previous = stalledAt;
                long longest = 0;
                int during = 0;
                for (long at : arrivals.get(i)) {
                    if (at < stalledAt) {
                        continue;
                    }
                    longest = Math.max(longest, at - previous);
                    previous = at;
                    if (at <= droppedAt) {
                        during++;
                    }
                }
                assertThat(longest / 1_000_000)
                        .as("watcher %d: longest wait for a progress event while the stalled reader was open", i)
                        .isLessThan(MAX_GAP_MILLIS);
                assertThat(during)
                        .as("watcher %d: progress events while the stalled reader was open", i)
                        .isPositive();
            }
            assertThat(watchers).allMatch(w -> w.join().statusCode() == 200);
        } finally {
            stalled.close();
            for (var watcher : watchers) {
                watcher.thenAccept(r -> r.body().close());
            }
            http.post("/jobs/" + id + "/cancel", "");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> List.of("CANCELLED", "SUCCEEDED", "FAILED")
                            .contains(
                                    http.get("/jobs/" + id).json().get("status").asString()));
        }
    }

    private static double openStreams(Http http) {
        return metric(http, "trainyard_event_streams_open");
    }

    private static double droppedStreams(Http http) {
        return metric(http, "trainyard_event_streams_dropped_total");
    }

    /** One untagged-by-us series of the Prometheus scrape (the application tag is common to all). */
    private static double metric(Http http, String name) {
        return http.get("/actuator/prometheus")
                .text()
                .lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }
}
