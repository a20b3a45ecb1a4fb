package io.trainyard.training;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.trainyard.dataset.DataTables;
import io.trainyard.job.CreateJobRequest;
import io.trainyard.model.DataDigest;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.JsonConfiguration;

import tools.jackson.databind.json.JsonMapper;

/**
 * Rehearses, at start-up, the code a job with inline data runs once per value before it trains: the
 * JSON parsing of its numbers ({@code POST /jobs}' body) and the SHA-256 digest of its rows (the
 * model's {@code dataDigest}, taken at set-up).
 *
 * <p><b>Why.</b> Those methods run thousands of times per job, so C2 compiles them during a young
 * service's first homework jobs, and those compilations were the largest of that time: Jackson's
 * decimal parsing (27 ms and 13 ms of C2's time) and SHA-256's compression function (13 ms and 8 ms),
 * taken from the core the job's second training thread works on (JFR, {@code jdk.Compilation}, jobs
 * 2–7 of a service that had just answered; docs/benchmarks.md, session 22). Here they run while the
 * application context is still being built, beside the engine's own rehearsal, and once more when the
 * service is ready and idle, where C2's short queue gives them their full compilations (during the
 * build it compiled only their loops). It reads into the request's own record, through a mapper
 * configured as the service's ({@link JsonConfiguration#strictMapper}) while the context is being built,
 * and once the service is ready as a submit does ({@link SubmitPath}); it writes nothing.
 */
final class DataPathRehearsal {

    private static final Logger log = LoggerFactory.getLogger(DataPathRehearsal.class);

    /**
     * Homework-sized bodies parsed, each {@link Style style} in turn, from each {@link Input} in turn
     * (the parser keeps a number's text differently in each): enough values (about 150,000) for C2 to
     * compile the per-value code.
     */
    static final int BODIES = 48;

    /**
     * Bodies parsed at least once the service is ready and idle. The JIT is no guide to when to stop
     * here: it is quiet while the counters of the methods called once per array climb towards C2's
     * thresholds (raised tenfold, {@code io.trainyard.JvmRelaunch#JIT_FLAGS}). With 300 bodies the
     * first jobs still compiled the tree parsing of the targets and the reader-based parser (50–75
     * ms of C2 each), and deoptimised and recompiled it; with 600 they did not (JFR, docs/benchmarks.md,
     * session 25). About 0.4 s of one core, while nothing else runs.
     */
    static final int READY_BODIES = 576;

    /** Bodies per round once ready; rounds go on after {@link #READY_BODIES} while the JIT is busy. */
    static final int ROUND = 12;

    /** At most this many bodies once ready. */
    static final int READY_MAX = 2 * READY_BODIES;

    /**
     * How clients write JSON. Each branch of the parser a real body takes must have been taken here
     * too: C2 leaves a branch it never saw out of the compiled code, and the first body that takes it
     * throws the compiled code away (on the first try this rehearsal had no whitespace and Python's
     * {@code ", "} separators did exactly that to the whitespace skipper).
     */
    enum Style {
        /** {@code JSON.stringify}, Jackson, Java's own shortest decimals: no whitespace, {@code 1.0E-5}. */
        COMPACT,
        /** Python's {@code json.dumps}: {@code ", "} and {@code ": "}, {@code repr} decimals ({@code 1e-05}). */
        PYTHON,
        /** Pretty-printed by hand or by a tool: newlines, indentation, short decimals and integers. */
        PRETTY
    }

    /**
     * How the text reaches the parser. Jackson's number parsing takes a branch of its own for text it
     * reads from characters, as the service reads every JSON document it stored (a job's spec at its
     * claim, a model's lineage): rehearsed from bytes alone, C2 left that branch out, and the first
     * job's claim threw the compiled parsing away ({@code unstable_if} in {@code
     * TextBuffer.contentsAsDouble}, JFR's {@code jdk.Deoptimization}; docs/benchmarks.md, session 25),
     * so the first jobs' bodies were parsed by C1's code and C2 compiled it all again while they trained.
     */
    enum Input {
        /** A request body, as Spring's converter hands it over. */
        STREAM,
        /** Bytes in memory. */
        BYTES,
        /** A string, as a repository reads a stored document. */
        TEXT
    }

    /**
     * How the running service reads a submitted job: its own JSON mapper (with what Spring Boot adds
     * to it), and the submit's own checks of the parsed request, which store nothing ({@code
     * JobService.dryRun}: the validation and conversion of every inline array, the limits, the memory
     * estimate).
     */
    record SubmitPath(JsonMapper mapper, Consumer<CreateJobRequest> check) {}

    private final SubmitPath path;
    private final List<byte[]> bodies = new ArrayList<>();
    /** False once the checks refused a body (see {@link #once}); used by the rehearsal's thread only. */
    private boolean checking = true;

    /** Reads through a mapper configured as the service's, for use before the application context exists. */
    DataPathRehearsal() {
        this(new SubmitPath(JsonConfiguration.strictMapper(), request -> {}));
    }

    /** Reads and checks each body as {@code path} says: the service's own, once it exists. */
    DataPathRehearsal(SubmitPath path) {
        this.path = path;
        SplittableRandom random = new SplittableRandom(5);
        for (Style style : Style.values()) {
            bodies.add(homeworkBody(random, style));
        }
    }

    /**
     * Parses and digests {@code bodies} bodies, stopping early when {@code stop} says so.
     *
     * @return how many it did
     */
    int rehearse(int bodies, BooleanSupplier stop) {
        int done = 0;
        Input[] inputs = Input.values();
        while (done < bodies && !stop.getAsBoolean()) {
            once(this.bodies.get(done % this.bodies.size()), inputs[(done / this.bodies.size()) % inputs.length]);
            done++;
        }
        return done;
    }

    /** One body, read as the service reads JSON ({@code input}) and checked, and its rows' digest. */
    String once(byte[] body, Input input) {
        JsonMapper mapper = path.mapper();
        CreateJobRequest request = switch (input) {
            case STREAM -> mapper.readValue(new ByteArrayInputStream(body), CreateJobRequest.class);
            case BYTES -> mapper.readValue(body, CreateJobRequest.class);
            case TEXT -> mapper.readValue(new String(body, StandardCharsets.UTF_8), CreateJobRequest.class);
        };
        if (checking) {
            try {
                path.check().accept(request);
            } catch (InvalidRequestException e) {
                // This instance's limits (trainyard.limits.*) refuse a homework job: the checks a
                // submit runs here would refuse every body, so only the parsing is rehearsed.
                checking = false;
                log.info(
                        "The rehearsal's homework body is over this instance's limits ({}): rehearsing the"
                                + " submit's parsing without its checks",
                        e.getMessage());
            }
        }
        List<FieldError> errors = new ArrayList<>();
        double[][] y = DataTables.targets(request.data().y(), "data.y", errors, true);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("the rehearsal's own body is invalid: " + errors);
        }
        return DataDigest.sha256(request.data().x(), y);
    }

    /** A homework job's body as a client writing in {@code style} sends it: 400 × 5 training rows, 100 test rows. */
    static byte[] homeworkBody(SplittableRandom random, Style style) {
        String comma = style == Style.PYTHON ? ", " : ",";
        String colon = style == Style.PYTHON ? ": " : ":";
        StringBuilder json = new StringBuilder("{");
        json.append("\"name\"").append(colon).append("\"rehearsal\"").append(comma);
        json.append("\"data\"").append(colon).append('{');
        String[] fields = {"x", "y", "testX", "testY"};
        int[][] shapes = {{400, 5}, {400, 1}, {100, 5}, {100, 1}};
        for (int f = 0; f < fields.length; f++) {
            json.append(f == 0 ? "" : comma)
                    .append('"')
                    .append(fields[f])
                    .append('"')
                    .append(colon);
            rows(json, random, shapes[f][0], shapes[f][1], style, comma);
        }
        json.append('}').append(comma);
        json.append("\"layers\"").append(colon).append("[20]").append(comma);
        json.append("\"activation\"").append(colon).append("\"sigmoid\"").append(comma);
        json.append("\"bias\"").append(colon).append("true").append(comma);
        json.append("\"alpha\"").append(colon).append("0.00025").append(comma);
        json.append("\"iterations\"").append(colon).append("3000").append(comma);
        json.append("\"seed\"").append(colon).append("1}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void rows(
            StringBuilder json, SplittableRandom random, int rows, int columns, Style style, String comma) {
        String indent = style == Style.PRETTY ? "\n    " : "";
        json.append('[');
        for (int i = 0; i < rows; i++) {
            json.append(i == 0 ? "" : comma).append(indent).append('[');
            for (int j = 0; j < columns; j++) {
                json.append(j == 0 ? "" : comma).append(number(random, style));
            }
            json.append(']');
        }
        json.append(style == Style.PRETTY ? "\n  ]" : "]");
    }

    /** Mostly full-precision values of either sign, some tiny (exponents), some short or whole. */
    private static String number(SplittableRandom random, Style style) {
        double v = random.nextDouble(-3, 3);
        int kind = random.nextInt(20);
        if (kind == 0) {
            v *= 1e-6; // written with an exponent
        } else if (kind == 1) {
            return style == Style.PRETTY ? Long.toString(Math.round(v)) : Double.toString(Math.round(v * 4) / 4.0);
        }
        String text = Double.toString(v);
        if (style == Style.PYTHON && text.contains("E")) {
            // Python's repr: 1.5e-06, and 1e-06 for a whole mantissa
            String mantissa = text.substring(0, text.indexOf('E'));
            int exponent = Integer.parseInt(text.substring(text.indexOf('E') + 1));
            text = (mantissa.endsWith(".0") ? mantissa.substring(0, mantissa.length() - 2) : mantissa)
                    + String.format(java.util.Locale.ROOT, "e%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        }
        return text;
    }
}
