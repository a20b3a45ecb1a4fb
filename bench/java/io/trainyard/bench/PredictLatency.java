package io.trainyard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-row JSON prediction latency through HTTP against a running service (issue 16: p99 under
 * 5 ms). One request at a time per client over kept-alive connections, latency measured from send to
 * the last byte of the answer; warm-up requests are not counted.
 *
 * <p>Arguments: base URL, model id, requests per client, clients, warm-up requests.
 */
public final class PredictLatency {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String model = args[1];
        int requests = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(base + "/models/" + model + "/predictions");
        String body = "{\"x\": [[2.315149, 45.256299, -0.057638, 0.869428, 1.0]]}";

        run(http, uri, body, warmup);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> results = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> run(http, uri, body, requests)));
        }
        long[] all = new long[requests * clients];
        int at = 0;
        for (Future<long[]> result : results) {
            long[] part = result.get();
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Arrays.sort(all);
        System.out.printf(Locale.ROOT, "%d clients × %d single-row predictions: %.0f requests/s; latency ms "
                + "p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n", clients, requests, all.length / seconds,
                ms(all, 0.50), ms(all, 0.90), ms(all, 0.99), ms(all, 0.999), all[all.length - 1] / 1e6);
    }

    private static long[] run(HttpClient http, URI uri, String body, int count) throws Exception {
        long[] latencies = new long[count];
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            latencies[i] = System.nanoTime() - t0;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ": " + new String(response.body()));
            }
        }
        return latencies;
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
