package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;

/** Per-owner quotas over real HTTP, with small limits: active jobs (429), stored bytes (403), request rate (429). */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.quota.max-active-jobs=1",
            "trainyard.quota.max-stored-bytes=4KB",
            "trainyard.quota.requests-per-second=1",
            "trainyard.quota.burst=10",
        })
class QuotaIntegrationTests {

    @LocalServerPort
    int port;

    Http admin;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        registry.add("trainyard.data-dir", () -> tempDir().toString());
    }

    private static java.nio.file.Path tempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("trainyard-quota");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeEach
    void client() {
        admin = new Http(port);
    }

    private Http newUser() {
        return admin.as(newUserKey());
    }

    private String newUserKey() {
        return admin.post(
                        "/keys",
                        Map.of("name", "q-" + UUID.randomUUID().toString().substring(0, 8), "role", "user"))
                .expect(201)
                .get("key")
                .asString();
    }

    /** Uploads a data set of 4,800 bytes: over the 4 KB storage quota. */
    private static void fillStorage(Http user) {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            csv.append(i).append(',').append(i * 2).append(',').append(i * 3).append('\n');
        }
        user.post("/datasets?name=big", "text/csv", csv.toString()).expect(201);
    }

    /** A job that trains for seconds (one million iterations that do not diverge). */
    private static final Map<String, Object> LONG_JOB =
            Map.of("dataset", "hw5", "normalize", true, "alpha", 1e-6, "iterations", 1_000_000);

    @Test
    void aSecondActiveJobIs429WithRetryAfterAndAdminsAreExempt() {
        // The one worker takes the older admin job first, so the user's first job stays QUEUED: active,
        // and with no history that could reach the tiny storage quota first (403 would come before 429).
        // Normalised: on raw hw5 these jobs diverge within about 2,000 iterations (a few ms), and then
        // the blocker blocks nothing.
        String blocker = admin.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        Http user = newUser();
        String first = user.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        try {
            Http.Response second = user.post("/jobs", Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10));
            assertThat(second.status()).as(second.text()).isEqualTo(429);
            assertThat(Long.parseLong(second.header("Retry-After"))).isPositive();
            assertThat(second.json().get("type").asString()).endsWith("/too-many-active-jobs");
            assertThat(second.json().get("detail").asString()).contains("trainyard.quota.max-active-jobs");
            // Admin keys are exempt.
            String adminJob = admin.post("/jobs", Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10))
                    .expect(202)
                    .get("id")
                    .asString();
            admin.post("/jobs/" + adminJob + "/cancel", "");
        } finally {
            user.post("/jobs/" + first + "/cancel", "");
            admin.post("/jobs/" + blocker + "/cancel", "");
        }
    }

    @Test
    void aSweepLargerThanTheWholeQuotaIsA400ThatSaysToSplitItAndAdminsAreExempt() {
        Http user = newUser();
        Map<String, Object> base =
                Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10, "validationFraction", 0.2);
        Map<String, Object> twoMembers =
                Map.of("base", base, "grid", Map.of("layers", List.of(List.of(2), List.of(3))));
        // No active job, quota 1: two members could never fit, however long the owner waits. This was a 429
        // whose Retry-After promised what could never come.
        for (String path : List.of("/sweeps", "/sweeps?dryRun=true")) {
            Http.Response refused = user.post(path, twoMembers);
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.header("Retry-After")).as(path).isNull();
            JsonNode problem = refused.json();
            assertThat(problem.at("/errors/0/field").asString()).isEqualTo("grid");
            assertThat(problem.get("detail").asString())
                    .contains("expands to 2 jobs", "more than the 1 job ", "trainyard.quota.max-active-jobs")
                    .contains("split it into sweeps of at most 1 job");
        }
        assertThat(user.get("/sweeps").expect(200).get("items")).as("no sweep").isEmpty();
        assertThat(user.get("/jobs").expect(200).get("items"))
                .as("no member job")
                .isEmpty();
        // Exactly up to the quota is admitted.
        String sweep = user.post("/sweeps", Map.of("base", base, "grid", Map.of("layers", List.of(List.of(2)))))
                .expect(202)
                .get("id")
                .asString();
        user.post("/sweeps/" + sweep + "/cancel", "");
        // Admin keys are exempt from quotas (API.md), the whole-quota check included.
        String adminSweep =
                admin.post("/sweeps", twoMembers).expect(202).get("id").asString();
        admin.post("/sweeps/" + adminSweep + "/cancel", "");
    }

    @Test
    void aSweepThatWouldFitOnceJobsFinishIs429WithRetryAfterAndOneThatNeverFitsStaysA400() {
        String blocker = admin.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        Http user = newUser();
        String first = user.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        try {
            Map<String, Object> base =
                    Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10, "validationFraction", 0.2);
            Http.Response refused =
                    user.post("/sweeps", Map.of("base", base, "grid", Map.of("layers", List.of(List.of(2)))));
            assertThat(refused.status()).as(refused.text()).isEqualTo(429);
            assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
            assertThat(refused.json().get("type").asString()).endsWith("/too-many-active-jobs");
            // With the quota full as well, a sweep that could never fit is still the 400 on grid, without
            // Retry-After: its body says so, whatever the owner's jobs are doing. It was refused with the
            // 429 above before its body was read, and a client following Retry-After retried for ever.
            Http.Response never = user.post(
                    "/sweeps", Map.of("base", base, "grid", Map.of("layers", List.of(List.of(2), List.of(3)))));
            assertThat(never.status()).as(never.text()).isEqualTo(400);
            assertThat(never.header("Retry-After")).isNull();
            assertThat(never.json().at("/errors/0/field").asString()).isEqualTo("grid");
            assertThat(never.json().get("detail").asString()).contains("could never be admitted");
            assertThat(user.get("/sweeps").expect(200).get("items"))
                    .as("no sweep")
                    .isEmpty();
        } finally {
            user.post("/jobs/" + first + "/cancel", "");
            admin.post("/jobs/" + blocker + "/cancel", "");
        }
    }

    @Test
    void aDryRunIsHeldToNoQuotaButStillStoresNothing() {
        // A dry run queues and stores nothing: an owner at its active-jobs quota, or over its storage
        // quota, can still check the next job or sweep. Before, a job's dry run was 429 at the quota
        // while a sweep's was 200.
        Http user = newUser();
        fillStorage(user);
        Map<String, Object> job = Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10, "validationFraction", 0.2);
        // (the user's rate is 10 requests at once: this test makes 9)
        for (String dryRun : List.of("TRUE", "1")) {
            user.post("/jobs?dryRun=" + dryRun, job).expect(200);
        }
        // One member: a sweep of two could never fit the quota of 1, which a dry run says as the submission would.
        user.post("/sweeps?dryRun=true", Map.of("base", job, "grid", Map.of("layers", List.of(List.of(2)))))
                .expect(200);
        assertThat(user.get("/jobs").expect(200).get("items")).as("no job").isEmpty();
        assertThat(user.get("/sweeps").expect(200).get("items")).as("no sweep").isEmpty();
        // Not a dry run, the same requests are refused; and a data set upload has no dry run to hide behind.
        Http.Response real = user.post("/jobs?dryRun=false", job);
        assertThat(real.status()).as(real.text()).isEqualTo(403);
        real = user.post("/jobs", job);
        assertThat(real.status()).as(real.text()).isEqualTo(403);
        // An upload takes no dryRun: the parameter is refused by name (QueryParameterCheck), before the quota.
        Http.Response pretended = user.post("/datasets?name=more&dryRun=true", "text/csv", "a,y\n1,2\n");
        assertThat(pretended.status()).as(pretended.text()).isEqualTo(400);
        assertThat(pretended.json().at("/errors/0/field").asString()).isEqualTo("dryRun");
    }

    @Test
    void aDryRunAtTheActiveJobsQuotaIsAnswered() {
        String blocker = admin.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        Http user = newUser();
        String first = user.post("/jobs", LONG_JOB).expect(202).get("id").asString();
        try {
            Map<String, Object> job =
                    Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10, "validationFraction", 0.2);
            assertThat(user.post("/jobs", job).status())
                    .as("the real submission")
                    .isEqualTo(429);
            user.post("/jobs?dryRun=true", job).expect(200);
            user.post("/sweeps?dryRun=true", Map.of("base", job, "grid", Map.of("layers", List.of(List.of(2)))))
                    .expect(200);
        } finally {
            user.post("/jobs/" + first + "/cancel", "");
            admin.post("/jobs/" + blocker + "/cancel", "");
        }
    }

    @Test
    void storingBeyondTheQuotaIs403NamingUsageAndQuota() {
        Http user = newUser();
        fillStorage(user); // 200 rows x 3 x 8 bytes = 4800 bytes, its column names ["a","b","y"] 13 and name 3
        Http.Response refused = user.post("/datasets?name=more", "text/csv", "a,y\n1,2\n");
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        JsonNode problem = refused.json();
        assertThat(problem.get("type").asString()).endsWith("/quota-exceeded");
        assertThat(problem.get("usage").asLong()).isEqualTo(4800 + 13 + 3);
        assertThat(problem.get("quota").asLong()).isEqualTo(4096);
        assertThat(user.post(
                                "/models",
                                Map.of(
                                        "layerSizes",
                                        List.of(1, 1),
                                        "activation",
                                        "none",
                                        "weights",
                                        Map.of("W0", new double[][] {{1}})))
                        .status())
                .isEqualTo(403);
        // Reading is not storing.
        user.get("/datasets").expect(200);
    }

    @Test
    void aQuotaRefusalIsNotKeptForTheIdempotencyKeySoTheRetryAfterFreeingSpaceIsServed() {
        // The 403 was kept with the key and replayed for 24 hours (usage and all) after the owner had
        // deleted data to make room, while the same request without a key was accepted.
        Http user = newUser();
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            csv.append(i).append(',').append(i * 2).append(',').append(i * 3).append('\n');
        }
        String filler = user.post("/datasets?name=big", "text/csv", csv.toString())
                .expect(201)
                .get("id")
                .asString();
        String key = UUID.randomUUID().toString();
        String body = "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 10}";

        Http.Response refused = submitWithKey(user, key, body);
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.json().get("type").asString()).endsWith("/quota-exceeded");
        user.delete("/datasets/" + filler).expect(204);
        Http.Response retried = submitWithKey(user, key, body);

        assertThat(retried.status()).as(retried.text()).isEqualTo(202);
        assertThat(retried.header("Idempotent-Replayed")).isNull();
        // and the accepted answer is the one kept from now on
        Http.Response replayed = submitWithKey(user, key, body);
        assertThat(replayed.status()).as(replayed.text()).isEqualTo(202);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.json().get("id").asString())
                .isEqualTo(retried.json().get("id").asString());
        user.post("/jobs/" + retried.json().get("id").asString() + "/cancel", "");
    }

    private static Http.Response submitWithKey(Http user, String key, String body) {
        return user.send(java.net.http.HttpRequest.newBuilder(user.uri("/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void anUploadThatWaitsFor100ContinueIsRefusedWithoutBeingInvitedToSendItsBody() throws IOException {
        // Tomcat answered 100 Continue as soon as it had the headers, before the quota was looked at: a
        // client that asked first (Expect: 100-continue) was told to send the body, and did, only to be
        // refused. Now the 100 goes out when the service starts reading the body, which a refusal never does.
        String over = newUserKey();
        fillStorage(admin.as(over));
        String body = "a,y\n1,2\n".repeat(10_000);
        try (Socket socket = expectingContinue(over, body.length())) {
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).as("the first answer, not a 100").startsWith("HTTP/1.1 403 ");
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(rest).contains("application/problem+json").contains("/quota-exceeded");
            // The connection ends with the answer: the body the client may still send is not read.
        }

        // An owner with room is invited as before, once the upload is read, and the upload is stored.
        String room = newUserKey();
        String small = "a,y\n1,2\n3,4\n";
        try (Socket socket = expectingContinue(room, small.length())) {
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).startsWith("HTTP/1.1 100 ");
            assertThat(readLine(in)).isEmpty();
            socket.getOutputStream().write(small.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readLine(in)).startsWith("HTTP/1.1 201 ");
        }
        assertThat(admin.as(room).get("/datasets").expect(200).get("items"))
                .extracting(d -> d.get("name").asString())
                .contains("expected");
    }

    @Test
    void uploadsInProgressReserveTheirLengthSoThatTogetherTheyPassTheQuotaByOneRequestsWorthAtMost()
            throws IOException {
        // The quota was compared with what the owner had stored when each request arrived: every upload
        // arriving before the first one had committed passed (20 at once under 100 KB: six of 61.6 KB).
        // A request that has its 100 Continue has passed the quota check (the 100 goes out when the handler
        // starts reading the body) and holds off its body until this test sends it: these are in progress
        // together, in a known order, with no waiting on time.
        String key = newUserKey();
        StringBuilder rows = new StringBuilder("a,y\n");
        for (int i = 0; i < 180; i++) {
            rows.append("1234567,7654321\n"); // 16 characters, 16 bytes stored
        }
        String csv = rows.toString(); // 2,884 bytes: two fit below the 4,096-byte quota, three do not
        // One at a time: each is in progress before the next arrives.
        try (Socket first = admitted(key, csv.length());
                Socket second = admitted(key, csv.length());
                Socket third = expectingContinue(key, csv.length())) {
            InputStream refused = third.getInputStream();
            assertThat(readLine(refused))
                    .as("nothing stored yet, but 2 × 2,884 bytes reserved by the two in progress")
                    .startsWith("HTTP/1.1 403 ");
            assertThat(new String(refused.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("/quota-exceeded", "\"usage\":0", "in progress on this instance may add up to 5768");

            // One that fails gives its reservation back: the next is admitted beside the first.
            assertThat(sendBody(second, csv.replace('1', 'x'))).startsWith("HTTP/1.1 400 ");
            try (Socket fourth = admitted(key, csv.length())) {
                assertThat(sendBody(fourth, csv)).startsWith("HTTP/1.1 201 ");
            }
            assertThat(sendBody(first, csv)).startsWith("HTTP/1.1 201 ");
        }

        Http.Response over = admin.as(key).post("/datasets?name=more", "text/csv", "a,y\n1,2\n");
        assertThat(over.status()).as(over.text()).isEqualTo(403);
        long oneUpload = 180 * 16 + "[\"a\",\"y\"]".length() + "expected".length();
        assertThat(over.json().get("usage").asLong())
                .as("two uploads stored, within the quota plus one request's length")
                .isEqualTo(2 * oneUpload)
                .isLessThanOrEqualTo(4096 + csv.length());
    }

    /** An upload asking to continue that has been invited to: it passed the quota and is in progress. */
    private Socket admitted(String key, int length) throws IOException {
        Socket socket = expectingContinue(key, length);
        String answer = readLine(socket.getInputStream());
        if (!answer.startsWith("HTTP/1.1 100 ")) {
            socket.close();
            throw new AssertionError("expected 100 Continue, got " + answer);
        }
        return socket;
    }

    /** Sends the body a socket's 100 Continue invited; the status line of the answer. */
    private static String sendBody(Socket socket, String body) throws IOException {
        InputStream in = socket.getInputStream();
        assertThat(readLine(in)).as("the end of the 100 Continue").isEmpty();
        socket.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        return readLine(in);
    }

    /** A socket that has sent the head of an upload asking to continue, and no body yet. */
    private Socket expectingContinue(String key, int length) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(15_000);
        String head = "POST /datasets?name=expected HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Authorization: Bearer " + key + "\r\n"
                + "Content-Type: text/csv\r\n"
                + "Content-Length: " + length + "\r\n"
                + "Expect: 100-continue\r\n"
                + "Connection: close\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    /** One line of an answer's head, without its CRLF. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Test
    void aDataSetsColumnNamesCountAgainstTheStorageQuota() {
        Http user = newUser();
        // One row of 27 numbers (216 bytes) under 27 names of 200 characters (5.4 KB, the longest names
        // there are): the names were stored free, so a user could keep any amount of them within a quota
        // of numbers.
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int c = 0; c < 27; c++) {
            header.append(c == 0 ? "" : ",").append(String.format("%03d", c)).append("n".repeat(197));
            row.append(c == 0 ? "" : ",").append(c);
        }
        user.post("/datasets?name=names", "text/csv", header + "\n" + row + "\n")
                .expect(201);

        Http.Response refused = user.post("/datasets?name=more", "text/csv", "a,y\n1,2\n");

        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.json().get("usage").asLong()).isGreaterThan(27 * 200);
    }

    /** A linear model of {@code inputs} inputs named by these columns: {@code 8 × inputs} bytes of weights. */
    private static Map<String, Object> modelNamed(List<String> inputColumns) {
        double[][] w0 = new double[inputColumns.size()][];
        java.util.Arrays.setAll(w0, i -> new double[] {0.5});
        return Map.of(
                "layerSizes",
                List.of(inputColumns.size(), 1),
                "activation",
                "none",
                "weights",
                Map.of("W0", w0),
                "inputColumns",
                inputColumns,
                "outputColumns",
                List.of("y"));
    }

    @Test
    void aModelsColumnNamesCountAgainstTheStorageQuota() {
        Http user = newUser();
        // 8 inputs: 64 bytes of weights, under 8 names of 200 emoji (4 UTF-8 bytes each: 6,400 bytes). Only
        // the weights were counted: imports of 1,024 such names were accepted until 100 KB of weights,
        // with 800 KB of names stored beside each.
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            names.add(c + "\uD83D\uDE00".repeat(199));
        }
        user.post("/models", modelNamed(names)).expect(201);

        Http.Response refused = user.post("/models", modelNamed(List.of("x")));

        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.json().get("usage").asLong())
                .as("the names in UTF-8, as stored, beside the weights")
                .isGreaterThan(8 * (1 + 199 * 4) + 64);
    }

    @Test
    void aliasesAndTheirHistoryCountAgainstTheStorageQuotaAndAPutIsRefusedBeyondIt() {
        // PUT /aliases/{name} adds a row to the alias's history every time, and nothing deletes it: it was
        // stored uncounted, and PUTs went on beyond the quota.
        Http plain = newUser();
        Http aliased = newUser();
        String name = "prod";
        long[] usage = new long[2];
        for (Http user : List.of(plain, aliased)) {
            String model = user.post("/models", modelNamed(List.of("x")))
                    .expect(201)
                    .get("id")
                    .asString();
            if (user == aliased) {
                for (int i = 0; i < 2; i++) {
                    user.send("PUT", "/aliases/" + name, "application/json", "{\"modelId\": \"" + model + "\"}")
                            .expect(200);
                }
            }
            fillStorage(user);
            Http.Response refused =
                    user.send("PUT", "/aliases/other", "application/json", "{\"modelId\": \"" + model + "\"}");
            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.json().get("type").asString()).endsWith("/quota-exceeded");
            usage[user == plain ? 0 : 1] = refused.json().get("usage").asLong();
        }
        String by = aliased.get("/keys/me").expect(200).get("name").asString();
        long alias = name.length() + 36;
        long created = name.length() + 36 + by.length();
        long confirmed = name.length() + 36 + 36 + by.length();
        assertThat(usage[1] - usage[0])
                .as("the alias (name, model id) and its two changes (name, ids, who)")
                .isEqualTo(alias + created + confirmed);
        assertThat(aliased.get("/aliases/other").status()).isEqualTo(404);
    }

    @Test
    void aDataSetsValidationRowsCountAgainstTheStorageQuota() {
        Http user = newUser();
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            csv.append(i).append(',').append(i * 2).append(',').append(i * 3).append('\n');
        }
        // Half the rows in the data set's validation part: they were stored but not counted (2,400 of
        // 4,800 bytes), so a data set of any size went past the quota with validationFraction near 1.
        user.post("/datasets?name=big&validationFraction=0.5", "text/csv", csv.toString())
                .expect(201);
        Http.Response refused = user.post("/datasets?name=more", "text/csv", "a,y\n1,2\n");
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.json().get("usage").asLong()).isEqualTo(4800 + 13 + 3);
    }

    @Test
    void aPercentEncodedPathIsHeldToTheSameQuotasAsThePlainOne() {
        // "/d%61tasets" and "/%6Aobs" are routed to POST /datasets and POST /jobs like the plain paths; the
        // quota checks compared the raw, still encoded URI and let them through.
        Http user = newUser();
        fillStorage(user);
        Http.Response upload = user.post("/d%61tasets?name=more", "text/csv", "a,y\n1,2\n");
        assertThat(upload.status()).as(upload.text()).isEqualTo(403);
        Http.Response submit = user.post("/%6Aobs", Map.of("dataset", "hw5", "alpha", 0.001, "iterations", 10));
        assertThat(submit.status()).as(submit.text()).isEqualTo(403);
        assertThat(submit.json().get("type").asString()).endsWith("/quota-exceeded");
        assertThat(user.get("/jobs").expect(200).get("items")).as("no job").isEmpty();
    }

    @Test
    void tooManyRequestsPerSecondIs429WithRetryAfter() {
        Http user = newUser();
        List<Http.Response> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(user.get("/keys/me"));
        }
        List<Http.Response> limited =
                answers.stream().filter(r -> r.status() == 429).toList();
        assertThat(limited)
                .as("a burst of 10 then 1 per second: 40 quick requests are not all served")
                .isNotEmpty();
        assertThat(answers.stream().filter(r -> r.status() == 200).count()).isGreaterThanOrEqualTo(10);
        Http.Response one = limited.get(0);
        assertThat(Long.parseLong(one.header("Retry-After"))).isPositive();
        assertThat(one.json().get("type").asString()).endsWith("/rate-limited");
        // Admin keys are exempt; other owners have buckets of their own.
        for (int i = 0; i < 40; i++) {
            admin.get("/keys/me").expect(200);
        }
        newUser().get("/keys/me").expect(200);
    }

    /** Sends requests until one is refused; that refusal. */
    private static Http.Response spendTheBurst(Http user) {
        for (int i = 0; i < 40; i++) {
            Http.Response answer = user.get("/keys/me");
            if (answer.status() == 429) {
                return answer;
            }
        }
        throw new AssertionError("40 requests at once were all admitted: no rate limit");
    }

    @Test
    void aSpentBurstIsRefilledOneTokenAtATimeAndRetryAfterSaysWhenTheNextIsBack() {
        // A burst of 10 at 1 per second, a token bucket refilled continuously. The limiter was a fixed
        // window refilled all at once (10 every 10 s): a spent burst was refused for up to the whole
        // window (Retry-After up to 10), and then 10 more passed at once.
        Http user = newUser();
        Http.Response refused = spendTheBurst(user);
        assertThat(refused.header("Retry-After"))
                .as("seconds until one token is back")
                .isEqualTo("1");

        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> user.get("/keys/me").status() == 200);
        Http.Response next = user.get("/keys/me");
        assertThat(next.status()).as("one token came back, not a whole burst").isEqualTo(429);
        assertThat(next.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void anOwnerOverItsRateIsRefusedBeforeItsIdempotencyKeyIsLookedAt() {
        // Replays, and the 422 for another body with the key, were answered by the idempotency filter
        // before the rate limit (an interceptor) ran: an owner refused everything else had every replay
        // served, and every keyed body read and hashed first.
        Http user = newUser();
        String key = UUID.randomUUID().toString();
        Http.Response created = uploadWithKey(user, key, "a,y\n1,2\n");
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        spendTheBurst(user);
        Http.Response replay = uploadWithKey(user, key, "a,y\n1,2\n");
        Http.Response reused = uploadWithKey(user, key, "a,y\n3,4\n");

        for (Http.Response answer : List.of(replay, reused)) {
            assertThat(answer.status()).as(answer.text()).isEqualTo(429);
            assertThat(answer.json().get("type").asString()).endsWith("/rate-limited");
            assertThat(answer.header("Idempotent-Replayed")).isNull();
        }
        // Once a token is back the replay is served as before.
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    Http.Response again = uploadWithKey(user, key, "a,y\n1,2\n");
                    assertThat(again.status()).as(again.text()).isEqualTo(201);
                    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
                    assertThat(again.json().get("id").asString())
                            .isEqualTo(created.json().get("id").asString());
                });
    }

    private static Http.Response uploadWithKey(Http user, String key, String csv) {
        return user.send(java.net.http.HttpRequest.newBuilder(user.uri("/datasets?name=keyed"))
                .header("Content-Type", "text/csv")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv)));
    }
}
