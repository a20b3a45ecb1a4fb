package io.trainyard.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.trainyard.TrainyardApplication;
import io.trainyard.nn.Activation;
import io.trainyard.nn.GradientDescent;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.Samples;
import io.trainyard.nn.TrainingData;
import io.trainyard.nn.TrainingListener;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the service costs a training job: the same hw5 network trained by the engine alone and as a
 * job through the HTTP API (history recorded and stored, progress published), side by side in one
 * JVM. Run with {@code bench/service}; not part of {@code ./mvnw verify}.
 */
public final class ServiceOverhead {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int REPEATS = 3;
    /** Clients following the job with GET /jobs/{id}/events while it trains. */
    private static final int WATCHERS = 50;

    record Case(String name, int[] hidden, int iterations) {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        List<Case> cases = List.of(new Case("hw5 5→20→1 sigmoid", new int[] {20}, (int) (40_000 * scale)),
                new Case("hw5 5→(20×10)→1 sigmoid", new int[] {20, 20, 20, 20, 20, 20, 20, 20, 20, 20},
                        (int) (8_000 * scale)));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TrainyardApplication.class).run(
                "--server.port=0", "--trainyard.workers=1", "--logging.level.root=WARN",
                "--trainyard.data-dir=" + Files.createTempDirectory("trainyard-bench"));
        String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
        HttpClient http = HttpClient.newHttpClient();
        RealMatrix[] train = read("train");
        RealMatrix[] test = read("test");
        List<String> rows = new ArrayList<>();
        try {
            for (Case c : cases) {
                double engine = 0;
                double service = 0;
                double watched = 0;
                engineRate(c, train, test, Math.max(100, c.iterations / 10)); // warm-up
                serviceRate(http, base, c, Math.max(100, c.iterations / 10), 0);
                for (int r = 0; r < REPEATS; r++) {
                    engine = Math.max(engine, engineRate(c, train, test, c.iterations));
                    service = Math.max(service, serviceRate(http, base, c, c.iterations, 0));
                    watched = Math.max(watched, serviceRate(http, base, c, c.iterations, WATCHERS));
                }
                rows.add(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f (%+.1f %%) | %.0f (%+.1f %%) |", c.name,
                        c.iterations, engine, service, 100 * (service - engine) / engine, watched,
                        100 * (watched - engine) / engine));
            }
        } finally {
            app.close();
        }
        System.out.println("| network | iterations | engine alone, it/s | through POST /jobs, it/s | the same with "
                + WATCHERS + " event-stream watchers, it/s |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    /** Iterations per second of GradientDescent alone (preprocessing and set-up not timed). */
    private static double engineRate(Case c, RealMatrix[] train, RealMatrix[] test, int iterations) {
        Preprocessing pre = Preprocessing.fit(train[0], 1, true);
        int[] sizes = new int[c.hidden.length + 2];
        sizes[0] = 5;
        System.arraycopy(c.hidden, 0, sizes, 1, c.hidden.length);
        sizes[sizes.length - 1] = 1;
        Network start = Network.initialize(sizes, Activation.SIGMOID, true, 0.1, new Well19937c(7));
        TrainingData data = new TrainingData(Samples.of(pre.apply(train[0]), train[1]), null,
                Samples.of(pre.apply(test[0]), test[1]));
        long t0 = System.nanoTime();
        new GradientDescent(0.0005, iterations).train(start, data, TrainingListener.NONE, () -> false);
        return iterations / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Iterations per second a job reports for its training loop when it runs through the service: the
     * rate of its last 10 s or so (training/RecentRate), so the whole run's for the jobs of scale 1 (5 s
     * or less here), and only the end's for jobs made longer than that with a larger scale.
     */
    private static double serviceRate(HttpClient http, String base, Case c, int iterations, int watchers)
            throws Exception {
        String spec = JSON.writeValueAsString(java.util.Map.of("dataset", "hw5", "layers", Arrays.stream(c.hidden).boxed()
                .toList(), "activation", "sigmoid", "bias", true, "normalize", true, "alpha", 0.0005, "iterations",
                iterations, "seed", 7));
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = JSON.readTree(accepted.body()).get("id").asString();
        List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> streams = new ArrayList<>();
        for (int w = 0; w < watchers; w++) {
            streams.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id + "/events"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.discarding()));
        }
        while (true) {
            JsonNode job = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String status = job.get("status").asString();
            if (status.equals("SUCCEEDED")) {
                for (var stream : streams) {
                    stream.get(); // every watcher's stream ends with the final status
                }
                return job.at("/progress/iterationsPerSecond").asDouble();
            }
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                throw new IllegalStateException("benchmark job ended " + status + ": " + job);
            }
            Thread.sleep(20);
        }
    }

    private static RealMatrix[] read(String part) throws Exception {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                ServiceOverhead.class.getResourceAsStream("/datasets/hw5-" + part + ".csv"), StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
        double[][] x = new double[rows.size()][5];
        double[][] y = new double[rows.size()][1];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, x[r], 0, 5);
            y[r][0] = rows.get(r)[5];
        }
        return new RealMatrix[] {new Array2DRowRealMatrix(x, false), new Array2DRowRealMatrix(y, false)};
    }
}
