package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing over real HTTP: well-formed but hostile requests (random specs, grids,
 * CSVs and query parameters, at and beyond every limit) against one running service. Whatever is
 * sent, the answer is never a 5xx and never later than a few seconds, and the service is healthy
 * afterwards. jqwik prints the seed of every run; rerun a failure with {@code @Property(seed = "…")}.
 */
class HostileRequestsFuzzTests {

    /** Any answer later than this is a hang. */
    private static final Duration ANSWER = Duration.ofSeconds(10);

    private static ConfigurableApplicationContext context;
    private static Http http;
    private static final List<String> created = new ArrayList<>();
    /** A trained job and a model, so that reads and predictions reach real data and not only 404s. */
    private static volatile String jobId = "nope";

    private static volatile String modelId = "nope";

    @BeforeContainer
    static void start() throws Exception {
        context = new SpringApplicationBuilder(TrainyardApplication.class)
                .run(
                        "--server.port=0",
                        "--trainyard.data-dir=" + Files.createTempDirectory("trainyard-fuzz"),
                        "--trainyard.workers=1",
                        "--spring.jmx.enabled=false",
                        "--trainyard.limits.max-iterations=2000",
                        "--logging.level.io.trainyard=WARN");
        http = new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), ANSWER);
        String id = http.post(
                        "/jobs", Map.of("dataset", "hw5", "alpha", 0.0005, "layers", List.of(8), "iterations", 1500))
                .expect(202)
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(120))
                .until(() ->
                        http.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));
        jobId = id;
        modelId = http.get("/jobs/" + id).json().get("modelId").asString();
    }

    @AfterContainer
    static void healthyAfterwards() {
        try {
            for (String path : created) {
                http.post(path + "/cancel", "{}");
            }
            http.get("/actuator/health").expect(200);
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            http.get("/jobs?status=RUNNING").json().get("items").isEmpty());
            http.post("/jobs", Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 5))
                    .expect(202);
        } finally {
            context.close();
        }
    }

    @Property(tries = 1200)
    void noRequestIsAnsweredWithA5xxOrHangs(@ForAll("hostileRequests") Request request) {
        long start = System.nanoTime();
        Http.Response response = request.method().equals("GET")
                ? http.get(request.path())
                : http.post(request.path(), request.contentType(), request.body());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.status())
                .as("%s %s → %s", request.method(), request.path(), response.text())
                .isLessThan(500);
        assertThat(took).as("%s %s", request.method(), request.path()).isLessThan(ANSWER);
        if (response.status() == 202 && response.contentType().contains("json")) {
            // Accepted work is cancelled at once: the fuzzer checks answers, not training throughput.
            JsonNode id = response.json().get("id");
            if (id != null) {
                String path = (request.path().startsWith("/sweeps") ? "/sweeps/" : "/jobs/") + id.asString();
                http.post(path + "/cancel", "{}");
                created.add(path);
            }
        }
    }

    record Request(String method, String path, String contentType, String body) {
        @Override
        public String toString() {
            String shown = body == null
                    ? ""
                    : body.length() > 300 ? body.substring(0, 300) + "…(" + body.length() + ")" : body;
            return method + " " + path + " " + shown;
        }
    }

    @Provide
    Arbitrary<Request> hostileRequests() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, jobs()),
                net.jqwik.api.Tuple.of(3, sweeps()),
                net.jqwik.api.Tuple.of(3, csvUploads()),
                net.jqwik.api.Tuple.of(2, jsonUploads()),
                net.jqwik.api.Tuple.of(3, reads()),
                net.jqwik.api.Tuple.of(1, predictions()));
    }

    private static Arbitrary<Object> widths() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 3).map(i -> (Object) i),
                Arbitraries.integers().between(1, 2000).map(i -> (Object) i),
                Arbitraries.of(0, 1024, 1025, Integer.MAX_VALUE, -1).map(i -> (Object) i),
                Arbitraries.just("wide"),
                Arbitraries.just((Object) 2.5));
    }

    private static Arbitrary<Object> layers() {
        return Arbitraries.oneOf(
                widths().list().ofMaxSize(40).map(l -> (Object) l),
                Arbitraries.integers().between(30, 5000).map(n -> (Object) new int[n]),
                Arbitraries.just("[5]"),
                Arbitraries.just(null));
    }

    private static Arbitrary<Object> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(-10, 10).map(d -> (Object) d),
                Arbitraries.of(0.0, -0.0, 1e-300, 1e300, Double.MAX_VALUE, -1.0).map(d -> (Object) d),
                Arbitraries.of("0.1", "NaN", "Infinity", "", "1e999").map(s -> (Object) s),
                Arbitraries.just(null));
    }

    private static Arbitrary<Object> wholeNumbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 20).map(i -> (Object) i),
                Arbitraries.of(1999, 2000, 2001, Integer.MAX_VALUE, Integer.MIN_VALUE)
                        .map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.just(null),
                Arbitraries.just("ten"));
    }

    private static Arbitrary<Object> inlineData() {
        Arbitrary<List<List<Double>>> matrix = Arbitraries.doubles()
                .between(-1e6, 1e6)
                .list()
                .ofMinSize(0)
                .ofMaxSize(6)
                .list()
                .ofMinSize(0)
                .ofMaxSize(30);
        return Arbitraries.oneOf(
                Combinators.combine(matrix, matrix).as((x, y) -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("x", x);
                    data.put("y", y);
                    return (Object) data;
                }),
                Arbitraries.just(null),
                Arbitraries.just((Object) Map.of("x", List.of(List.of(1)), "y", List.of(1, 2))));
    }

    private static Arbitrary<Map<String, Object>> specs() {
        return Combinators.combine(
                        layers(),
                        numbers(),
                        wholeNumbers(),
                        Arbitraries.of("hw5", "nope", "", "hw5"),
                        Arbitraries.of("sigmoid", "relu", "tanh", "none", "softmax"),
                        numbers(),
                        wholeNumbers(),
                        inlineData())
                .as((layers, alpha, iterations, dataset, activation, fraction, degree, data) -> {
                    Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("layers", layers);
                    spec.put("alpha", alpha);
                    spec.put("iterations", iterations);
                    if (data != null) {
                        spec.put("data", data);
                    } else {
                        spec.put("dataset", dataset);
                    }
                    spec.put("activation", activation);
                    spec.put("validationFraction", fraction);
                    spec.put("basisDegree", degree);
                    return spec;
                });
    }

    private static Arbitrary<Request> jobs() {
        return specs().map(
                        spec -> new Request("POST", "/jobs", "application/json", Http.JSON.writeValueAsString(spec)));
    }

    private static Arbitrary<Request> sweeps() {
        Arbitrary<String> keys = Arbitraries.of(
                "alpha",
                "layers",
                "seed",
                "iterations",
                "scale",
                "bias",
                "validationFraction",
                "basisDegree",
                "activation",
                "nope");
        Arbitrary<List<Object>> values = Arbitraries.oneOf(
                numbers().list().ofMaxSize(30),
                wholeNumbers().list().ofMaxSize(300),
                layers().list().ofMaxSize(5),
                Arbitraries.integers().between(0, 3).list().ofSize(1_000).map(l -> new ArrayList<Object>(l)));
        Arbitrary<Map<String, List<Object>>> grids =
                Arbitraries.maps(keys, values).ofMaxSize(5);
        return Combinators.combine(specs(), grids, Arbitraries.of("validation", "train", "test", "best"))
                .as((base, grid, by) -> {
                    base.put("iterations", 3);
                    Map<String, Object> sweep = new LinkedHashMap<>();
                    sweep.put("base", base);
                    sweep.put("grid", grid);
                    sweep.put("selectBy", by);
                    return new Request("POST", "/sweeps", "application/json", Http.JSON.writeValueAsString(sweep));
                });
    }

    private static Arbitrary<String> cells() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("", "NaN", "inf", "1e", "0x10", "1f", "\"1\"", "\"a,b\"", "1,", " 2 ", "--1", "١"),
                Arbitraries.integers().between(1, 5_000).map(n -> "9".repeat(n) + "x"),
                Arbitraries.integers().between(250, 300).map(n -> "1".repeat(n)));
    }

    private static Arbitrary<Request> csvUploads() {
        Arbitrary<String> rows = cells().list()
                .ofMinSize(0)
                .ofMaxSize(8)
                .map(r -> String.join(",", r))
                .list()
                .ofMaxSize(40)
                .map(r -> String.join("\n", r));
        Arbitrary<String> headers = Arbitraries.of("x,y", "a,b,c", "x,x", ",", "", "\uFEFFx,y", "x");
        Arbitrary<String> query = Arbitraries.of(
                "?name=f",
                "?name=f&target=y",
                "?name=f&target=zzz",
                "?name=f&testFraction=0.5",
                "?name=f&testFraction=2",
                "?name=" + "n".repeat(300),
                "");
        return Combinators.combine(headers, rows, query)
                .as((h, r, q) -> new Request("POST", "/datasets" + q, "text/csv", h + "\n" + r + "\n"));
    }

    private static Arbitrary<Request> jsonUploads() {
        return Combinators.combine(inlineData(), Arbitraries.of("good", "", "n".repeat(300)))
                .as((data, name) -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("name", name);
                    if (data instanceof Map<?, ?> map) {
                        body.putAll((Map<String, Object>) map);
                    }
                    return new Request("POST", "/datasets", "application/json", Http.JSON.writeValueAsString(body));
                });
    }

    private static Arbitrary<Request> reads() {
        Arbitrary<String> ints =
                Arbitraries.of("-1", "0", "1", "2", "100", "2000", "4000", "4001", "100000", "999999999999", "abc", "");
        Arbitrary<String> format = Arbitraries.of("json", "csv", "png", "svg", "xml", "");
        Arbitrary<String> ids = Arbitraries.oneOf(
                        Arbitraries.strings().alpha().ofMaxLength(8).map(s -> s.isEmpty() ? jobId : s),
                        Arbitraries.just(""))
                .list()
                .ofMaxSize(60)
                .map(l -> String.join(",", l));
        return Arbitraries.oneOf(
                Combinators.combine(ints, ints, format)
                        .as((limit, cursor, f) -> new Request(
                                "GET", "/jobs?limit=" + limit + "&cursor=" + cursor + "&status=" + f, null, null)),
                Combinators.combine(ints, ints, ints, ints, format)
                        .as((since, max, w, h, f) -> new Request(
                                "GET",
                                "/jobs/" + (since.equals("0") ? "nope" : jobId) + "/"
                                        + (w.equals("1") ? "gradients" : "losses") + "?since=" + since + "&maxPoints="
                                        + max + "&width=" + w + "&height=" + h + "&format=" + f,
                                null,
                                null)),
                Combinators.combine(ids, ints, ints, ints, format)
                        .as((i, max, w, h, f) -> new Request(
                                "GET",
                                "/jobs/compare?ids=" + i + "&maxPoints=" + max + "&width=" + w + "&height=" + h
                                        + "&format=" + f,
                                null,
                                null)),
                Combinators.combine(ints, format)
                        .as((max, f) -> new Request("GET", "/sweeps?limit=" + max + "&format=" + f, null, null)),
                Arbitraries.of(
                                "/datasets",
                                "/datasets/hw5",
                                "/datasets/nope",
                                "/models?limit=0",
                                "/models/nope",
                                "/jobs/%2e%2e",
                                "/jobs/" + "x".repeat(2000))
                        .map(p -> new Request("GET", p, null, null)));
    }

    private static Arbitrary<Request> predictions() {
        Arbitrary<Object> x = Arbitraries.oneOf(
                Arbitraries.doubles()
                        .between(-5, 5)
                        .list()
                        .ofMaxSize(7)
                        .list()
                        .ofMaxSize(20)
                        .map(l -> (Object) l),
                // Large enough to cost something, small enough that an answer within the bound measures a hang, not a
                // slow machine; the memory estimate's refusals are covered by BoundsRegressionTests.
                Arbitraries.integers().between(1, 20_000).map(n -> (Object) new double[n][5]),
                Arbitraries.just(null));
        return x.map(rows -> new Request(
                "POST",
                "/models/" + modelId + "/predictions",
                "application/json",
                Http.JSON.writeValueAsString(java.util.Collections.singletonMap("x", rows))));
    }
}
