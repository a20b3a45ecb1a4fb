package io.trainyard.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;

/**
 * Trains the same networks on the same random data as {@code bench/numpy_train.py} and prints both
 * timings side by side. Run it with {@code bench/run}; not part of {@code ./mvnw verify}.
 *
 * <p>One iteration = loss and gradient on the training rows + test loss + update, sigmoid hidden
 * layers with bias, SSE loss. The Java side also computes the per-layer gradient norms the service
 * reports; numpy does not.
 */
public final class TrainingBenchmark {

    record Shape(String name, int rows, int[] sizes, int iterations) {
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("400×5→20→1", 400, new int[] {5, 20, 1}, 3000),
            new Shape("2000×50→100→100→1", 2000, new int[] {50, 100, 100, 1}, 200),
            new Shape("4000×100→256→256→1", 4000, new int[] {100, 256, 256, 1}, 40),
            new Shape("400×5→(20×10)→1", 400, new int[] {5, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 1}, 2000));

    private static final int REPEATS = 3;

    /** One client for every request, as a script keeps one session. */
    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();

    private static boolean clientWarm;

    /**
     * Homework jobs the service trains before the homework shape is timed once more, warm
     * (system property {@code bench.warmJobs}; 0 skips it): a young service's jobs pay for the JIT
     * compiling the service's own code (docs/benchmarks.md, session 16), a service that has run a
     * few hundred jobs no longer does.
     */
    private static final int WARM_JOBS = Integer.getInteger("bench.warmJobs", 300);

    public static void main(String[] args) throws Exception {
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        Path script = Path.of(args.length > 0 ? args[0] : "bench/numpy_train.py");
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        System.out.println("Trainyard engine (this JVM): " + Gemm.implementation());
        System.out.println("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " processors");
        List<String> rows = new ArrayList<>();
        Problem homework = null;
        int homeworkIterations = 0;
        Double homeworkNumpy = null;
        String numpyVersion = null;
        String only = System.getProperty("bench.only");
        for (Shape shape : SHAPES) {
            // "homework": the first shape alone (bench/run's extra fresh starts; a name with × and → may not
            // survive a command line in a non-UTF-8 locale).
            boolean chosen = only == null
                    || shape.name.startsWith(only)
                    || ("homework".equals(only) && shape == SHAPES.get(0));
            if (!chosen) {
                continue;
            }
            int iterations = Math.max(2, (int) (shape.iterations * scale));
            Problem problem = Problem.random(shape, 20240601L);
            double javaSeconds = Double.MAX_VALUE;
            double javaCpuSeconds = Double.MAX_VALUE;
            LossHistory history = null;
            problem.train(iterations, new LossHistory()); // warm-up: JIT, page faults, helper threads
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int r = 0; r < REPEATS; r++) {
                history = new LossHistory();
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                problem.train(iterations, history);
                javaSeconds = Math.min(javaSeconds, (System.nanoTime() - start) / 1e9 / (iterations + 1));
                javaCpuSeconds = Math.min(javaCpuSeconds,
                        (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9 / (iterations + 1));
            }
            double javaLast = history.train()[iterations - 1];
            String api = System.getProperty("bench.api");
            Double apiSeconds = api == null ? null : problem.throughApi(api, iterations, 1);
            String numpy = problem.runNumpy(python, script, iterations);
            Double numpySeconds = number(numpy, "secondsPerIteration");
            Double numpyLast = number(numpy, "lastTrainLoss");
            String version = string(numpy, "numpy");
            if (version != null) {
                numpyVersion = version;
            }
            String ratio = numpySeconds == null ? "n/a" : String.format(Locale.ROOT, "%.2f", numpySeconds / javaSeconds);
            String agree = numpyLast == null ? "n/a"
                    : String.format(Locale.ROOT, "%.1e", Math.abs(numpyLast - javaLast) / Math.abs(numpyLast));
            String apiRatio = numpySeconds == null || apiSeconds == null ? "n/a"
                    : String.format(Locale.ROOT, "%.2f", numpySeconds / apiSeconds);
            rows.add(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | **%s** | %s | **%s** | %s |", shape.name,
                    iterations, millis(numpySeconds), millis(javaSeconds), millis(javaCpuSeconds), ratio,
                    millis(apiSeconds), apiRatio, agree));
            if (shape == SHAPES.get(0)) {
                homework = problem;
                homeworkIterations = iterations;
                homeworkNumpy = numpySeconds;
            }
            if (numpySeconds == null) {
                System.out.println("numpy: " + numpy.strip());
            }
        }
        System.out.println();
        System.out.println("numpy " + (numpyVersion == null ? "missing" : numpyVersion)
                + "; ms per iteration (forward + backward + update + test loss), best of " + REPEATS);
        System.out.println();
        System.out.println("| shape (train rows × layers) | iterations | numpy ms | engine ms |"
                + " engine CPU ms (training thread) | numpy ÷ engine | API ms (java -jar, POST /jobs → SUCCEEDED) |"
                + " numpy ÷ API | relative difference of the last train loss |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        String api = System.getProperty("bench.api");
        if (api != null && homework != null && WARM_JOBS > 0) {
            // Last, so that the other shapes above met the same young service as in earlier runs.
            Double warm = homework.throughApi(api, homeworkIterations, WARM_JOBS);
            System.out.printf(Locale.ROOT, "%s through the API of the same service once it has trained %d more"
                    + " homework jobs: %s ms per iteration, numpy ÷ API **%s**%n%n", homework.shape.name,
                    WARM_JOBS, millis(warm), homeworkNumpy == null || warm == null ? "n/a"
                            : String.format(Locale.ROOT, "%.2f", homeworkNumpy / warm));
        }
        if (only == null) {
            gemm(python, 4000, 256, 256);
        }
    }

    /** The forward product alone, C = A·B with A n×d and B d×h, the way a layer calls it. */
    private static void gemm(String python, int n, int d, int h) throws Exception {
        Well19937c random = new Well19937c(1);
        double[] a = new double[n * d];
        double[] b = new double[d * h];
        double[] c = new double[n * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextGaussian();
        }
        double flops = 2.0 * n * d * h;
        int reps = (int) Math.max(10, 4e10 / flops);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                Gemm.forward(a, b, null, c, c, null, n, d, h);
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e9 / reps);
        }
        String numpy = run(List.of(python, "-c", "import numpy as np, time\n"
                + "a = np.random.rand(" + n + "," + d + "); b = np.random.rand(" + d + "," + h + ")\n"
                + "best = 1e9\n"
                + "for _ in range(4):\n"
                + "    t = time.perf_counter()\n"
                + "    for _ in range(" + reps + "): a @ b\n"
                + "    best = min(best, (time.perf_counter() - t) / " + reps + ")\n"
                + "print(best)\n"));
        double numpyGflops = Double.NaN;
        try {
            numpyGflops = flops / Double.parseDouble(numpy.strip()) / 1e9;
        } catch (NumberFormatException e) {
            // numpy missing: reported as NaN
        }
        System.out.printf(Locale.ROOT, "GEMM %d×%d×%d (forward product alone, best of 4 × %d): Trainyard %.1f GFLOP/s,"
                + " numpy %.1f GFLOP/s%n", n, d, h, reps, flops / best / 1e9, numpyGflops);
    }

    private static String millis(Double seconds) {
        return seconds == null ? "skipped" : String.format(Locale.ROOT, "%.3f", seconds * 1e3);
    }

    private static Double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*([-0-9.eE+]+)").matcher(json);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        // The JVM runs OpenBLAS single-threaded (it splits large products over the cores itself);
        // numpy keeps its own default of one thread per core.
        builder.environment().remove("OPENBLAS_NUM_THREADS");
        // bench/run starts this JVM without an inherited OPENBLAS_CORETYPE, as the service's launcher
        // starts the service; numpy gets the user's value back, as in the user's own shell.
        String coretype = System.getProperty("bench.numpyCoretype", "");
        if (!coretype.isEmpty()) {
            builder.environment().put("OPENBLAS_CORETYPE", coretype);
        }
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        int code = process.waitFor();
        String text = new String(out, StandardCharsets.UTF_8);
        if (code != 0) {
            return "{\"skipped\": \"exit " + code + ": " + new String(err, StandardCharsets.UTF_8).strip() + "\"}";
        }
        return text;
    }

    /** Random data and start weights, written once as raw little-endian doubles for numpy to read. */
    record Problem(Shape shape, double[][] x, double[][] y, double[][] tx, double[][] ty, Network start,
            double alpha, TrainingData data) {

        static Problem random(Shape shape, long seed) {
            Well19937c random = new Well19937c(seed);
            int d = shape.sizes[0];
            int k = shape.sizes[shape.sizes.length - 1];
            double[] direction = new double[d];
            for (int j = 0; j < d; j++) {
                direction[j] = random.nextGaussian() / Math.sqrt(d);
            }
            int n = shape.rows;
            int m = n / 4;
            double[][] x = BenchData.gaussian(n, d, random);
            double[][] tx = BenchData.gaussian(m, d, random);
            Network start = Network.initialize(shape.sizes, Activation.SIGMOID, true, 0.1, random);
            // Targets a smooth function of the inputs plus noise, so the loss falls but never reaches 0.
            double[][] y = targets(x, direction, k, random);
            double[][] ty = targets(tx, direction, k, random);
            TrainingData data = new TrainingData(Samples.of(matrix(x), matrix(y)), null,
                    Samples.of(matrix(tx), matrix(ty)));
            return new Problem(shape, x, y, tx, ty, start, 0.1 / n, data);
        }

        void train(int iterations, LossHistory history) {
            TrainingResult result = new GradientDescent(alpha, iterations).train(start, data, history, () -> false);
            if (result.outcome() != TrainingResult.Outcome.COMPLETED) {
                throw new IllegalStateException(shape.name + ": " + result.message());
            }
        }

        /**
         * The same data, network shape and alpha as a job through a running service: best of
         * {@value #REPEATS} after {@code warmUps} untimed jobs, seconds per iteration as a client sees
         * it (from {@code POST /jobs} to the status SUCCEEDED on the job's event stream), so it
         * includes the request, the data decode, the queue, history writes and the model save. Start
         * weights are the service's own (seeded), which changes nothing in the time per iteration.
         */
        Double throughApi(String base, int iterations, int warmUps) throws IOException, InterruptedException {
            byte[] request = request(iterations);
            warmClient(request);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < warmUps + REPEATS; r++) {
                long start = System.nanoTime();
                String status = job(base, request);
                if (!"SUCCEEDED".equals(status)) {
                    System.out.println("job ended " + status);
                    return null;
                }
                double seconds = (System.nanoTime() - start) / 1e9 / (iterations + 1);
                if (r >= warmUps) { // the first runs warm the service up
                    best = Math.min(best, seconds);
                }
            }
            return best;
        }

        /** The job's request body, encoded once, as a script holds its request. */
        byte[] request(int iterations) {
            StringBuilder body = new StringBuilder("{\"name\":\"bench ").append(shape.name).append("\",\"data\":{");
            body.append("\"x\":").append(json(x)).append(",\"y\":").append(json(y));
            body.append(",\"testX\":").append(json(tx)).append(",\"testY\":").append(json(ty)).append("},\"layers\":[");
            for (int l = 1; l < shape.sizes.length - 1; l++) {
                body.append(l == 1 ? "" : ",").append(shape.sizes[l]);
            }
            body.append("],\"activation\":\"sigmoid\",\"bias\":true,\"scale\":0.1,\"alpha\":").append(alpha)
                    .append(",\"iterations\":").append(iterations).append(",\"seed\":1}");
            // The client's own UTF-8 encoding of a 10 MB body is not the service's time.
            return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        /**
         * Submits a job and waits on its event stream, as a script would (the final status is pushed the
         * moment it is stored, and no polling client competes with training for the 2 cores).
         *
         * @return the job's final status, or the POST's status and body when it was refused
         */
        static String job(String base, byte[] request) throws IOException, InterruptedException {
            var created = CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/jobs"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(request)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 202) {
                return "POST /jobs: " + created.statusCode() + " " + created.body();
            }
            String id = string(created.body(), "id");
            var events = CLIENT.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(base + "/jobs/" + id + "/events"))
                    .header("Accept", "text/event-stream").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofLines());
            String status = null;
            try (var lines = events.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.startsWith("data:") && line.contains("\"status\"")) {
                        status = string(line, "status");
                        if (!"QUEUED".equals(status) && !"RUNNING".equals(status)) {
                            break;
                        }
                    }
                }
            }
            return status;
        }

        /**
         * Runs this JVM's side of {@link #job} a few hundred times against a stub server in this JVM, so
         * that the service's times do not include this client's own JIT warm-up (a young client JVM added
         * about 12 ms to a homework job: bench/run measured 89 ms where a Python client measured 75-78).
         * The service itself sees none of it.
         */
        static void warmClient(byte[] request) throws IOException, InterruptedException {
            if (clientWarm || request.length > 1 << 20) {
                return; // once; the wide shapes' bodies take long enough that the client's share is small
            }
            com.sun.net.httpserver.HttpServer stub =
                    com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            stub.createContext("/jobs", exchange -> {
                exchange.getRequestBody().readAllBytes();
                boolean events = exchange.getRequestURI().getPath().endsWith("/events");
                byte[] answer = (events
                        ? "event: status\ndata: {\"status\":\"RUNNING\"}\n\nevent: status\ndata: {\"status\":\"SUCCEEDED\"}\n\n"
                        : "{\"id\":\"stub\",\"status\":\"QUEUED\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", events ? "text/event-stream" : "application/json");
                exchange.sendResponseHeaders(events ? 200 : 202, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            stub.start();
            try {
                String base = "http://127.0.0.1:" + stub.getAddress().getPort();
                for (int i = 0; i < 500; i++) {
                    String status = job(base, request);
                    if (!"SUCCEEDED".equals(status)) {
                        throw new IllegalStateException("stub server: " + status);
                    }
                }
            } finally {
                stub.stop(0);
            }
            clientWarm = true;
        }

        private static String json(double[][] m) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < m.length; i++) {
                s.append(i == 0 ? "[" : ",[");
                for (int j = 0; j < m[i].length; j++) {
                    s.append(j == 0 ? "" : ",").append(m[i][j]);
                }
                s.append(']');
            }
            return s.append(']').toString();
        }

        String runNumpy(String python, Path script, int iterations) throws IOException, InterruptedException {
            if (!Files.exists(script)) {
                return "{\"skipped\": \"" + script + " not found\"}";
            }
            Path dir = Files.createTempDirectory("trainyard-bench");
            try {
                write(dir.resolve("x"), x);
                write(dir.resolve("y"), y);
                write(dir.resolve("tx"), tx);
                write(dir.resolve("ty"), ty);
                for (int l = 0; l < start.depth(); l++) {
                    write(dir.resolve("W" + l), start.weight(l).getData());
                    write(dir.resolve("b" + l), new double[][] {start.biases().get(l).toArray()});
                }
                StringBuilder sizes = new StringBuilder();
                for (int s : shape.sizes) {
                    sizes.append(sizes.length() == 0 ? "" : ",").append(s);
                }
                return run(List.of(python, script.toString(), "--data", dir.toString(), "--sizes", sizes.toString(),
                        "--rows", String.valueOf(x.length), "--test-rows", String.valueOf(tx.length),
                        "--alpha", String.valueOf(alpha), "--iterations", String.valueOf(iterations),
                        "--repeats", String.valueOf(REPEATS)));
            } catch (IOException e) {
                return "{\"skipped\": \"could not start " + python + ": " + e.getMessage() + "\"}";
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        }

        private static double[][] targets(double[][] x, double[] direction, int k, Well19937c random) {
            double[][] y = new double[x.length][k];
            for (int i = 0; i < x.length; i++) {
                double dot = 0;
                for (int j = 0; j < direction.length; j++) {
                    dot += x[i][j] * direction[j];
                }
                for (int c = 0; c < k; c++) {
                    y[i][c] = Math.sin(2 * dot + c) + 0.1 * random.nextGaussian();
                }
            }
            return y;
        }

        private static RealMatrix matrix(double[][] values) {
            return new Array2DRowRealMatrix(values, false);
        }

        private static void write(Path file, double[][] m) {
            ByteBuffer buffer = ByteBuffer.allocate(m.length * m[0].length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (double[] row : m) {
                for (double v : row) {
                    buffer.putDouble(v);
                }
            }
            try {
                Files.write(file, buffer.array());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
