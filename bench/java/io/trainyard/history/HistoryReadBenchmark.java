package io.trainyard.history;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.trainyard.TrainyardApplication;

/**
 * What {@code GET /jobs/{id}/losses?maxPoints=100} costs as a history grows (issue 12): time and bytes
 * allocated (all threads of this JVM, server and client) per request: from the coarse level
 * ({@code maxPoints} up to what it holds), streamed from the full batches (more than it holds), and
 * once the retention has dropped the full batches. Run with {@code bench/history}; not part of
 * {@code ./mvnw verify}.
 */
public final class HistoryReadBenchmark {

    private static final int BATCH = 4096;

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TrainyardApplication.class).run(
                "--server.port=0", "--trainyard.data-dir=" + Files.createTempDirectory("trainyard-bench"),
                "--trainyard.workers=1", "--spring.jmx.enabled=false", "--logging.level.root=WARN",
                "--trainyard.auth.enabled=false");
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            HttpClient client = HttpClient.newHttpClient();
            HistoryRepository history = context.getBean(HistoryRepository.class);
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            System.out.printf(Locale.ROOT, "%10s  %-34s  %7s  %10s  %14s%n", "points", "read", "answer", "median ms",
                    "allocated MB");
            for (int points : new int[] {100_000, 1_000_000}) {
                String id = finishedJob(client, port);
                history.deleteAll(id);
                double[] norms = new double[BATCH * 2];
                Arrays.fill(norms, 1.0);
                double[] weights = new double[BATCH * 2];
                Arrays.fill(weights, 3.0);
                for (int first = 0; first < points; first += BATCH) {
                    int count = Math.min(BATCH, points - first);
                    double[] train = new double[count];
                    for (int i = 0; i < count; i++) {
                        train[i] = 100.0 / (1 + first + i) + 1e-3 * Math.sin(first + i);
                    }
                    history.insert(new HistoryChunk(id, first, count, 2, train, null, null,
                            Arrays.copyOf(norms, count * 2), Arrays.copyOf(weights, count * 2)));
                }
                long kept = history.coarseStats(id, -1).kept();
                String losses = "/jobs/" + id + "/losses";
                // maxPoints up to the coarse level's points are served from it; more are streamed from the
                // full batches, a few at a time.
                measure(client, port, losses + "?maxPoints=100", points, "maxPoints=100 (coarse level)");
                measure(client, port, losses + "?maxPoints=5000", points,
                        "maxPoints=5000 (" + (kept >= 5000 ? "coarse level" : "streamed") + ")");
                measure(client, port, losses + "?maxPoints=" + (kept + 1000), points,
                        "maxPoints=" + (kept + 1000) + " (streamed)");
                measure(client, port, losses + "?maxPoints=20000", points, "maxPoints=20000 (streamed)");
                jdbc.sql("INSERT INTO job_history_pruned (job_id, pruned_at) VALUES (:id, CURRENT_TIMESTAMP)")
                        .param("id", id).update();
                jdbc.sql("DELETE FROM job_history WHERE job_id = :id").param("id", id).update();
                measure(client, port, losses + "?maxPoints=100", points, "maxPoints=100, retention pruned");
                measure(client, port, losses, points, "all (" + kept + " coarse points), pruned");
            }
        } finally {
            context.close();
        }
    }

    private static void measure(HttpClient client, int port, String path, int points, String label) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build();
        for (int i = 0; i < 5; i++) {
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        int runs = 20;
        long[] nanos = new long[runs];
        long allocated = 0;
        for (int i = 0; i < runs; i++) {
            long before = allocatedBytes();
            long start = System.nanoTime();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - start;
            allocated += allocatedBytes() - before;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " → " + response.statusCode());
            }
        }
        Arrays.sort(nanos);
        String body = new String(client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body());
        int answered = body.replaceAll("(?s).*?\"iteration\":\\[([^\\]]*)\\].*", "$1").split(",").length;
        System.out.printf(Locale.ROOT, "%10d  %-34s  %7d  %10.2f  %14.2f%n", points, label, answered,
                nanos[runs / 2] / 1e6, allocated / (double) runs / (1 << 20));
    }

    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }

    private static String finishedJob(HttpClient client, int port) throws Exception {
        HttpRequest submit = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"hw5\", \"alpha\": 0.001, \"layers\": [2], "
                        + "\"iterations\": 1}")).build();
        String body = client.send(submit, HttpResponse.BodyHandlers.ofString()).body();
        String id = body.replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/" + id)).GET().build();
        for (int i = 0; i < 600; i++) {
            if (client.send(get, HttpResponse.BodyHandlers.ofString()).body().contains("\"SUCCEEDED\"")) {
                return id;
            }
            Thread.sleep(100); // polling a job's status in a benchmark's set-up, not synchronising a test
        }
        throw new IllegalStateException("job " + id + " did not finish");
    }
}
