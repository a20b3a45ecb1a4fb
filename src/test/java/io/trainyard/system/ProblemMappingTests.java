package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.trainyard.dataset.DatasetInUseException;
import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.job.IllegalJobTransitionException;
import io.trainyard.job.JobNotFoundException;
import io.trainyard.model.ModelNotFoundException;
import io.trainyard.sweep.SweepNotFoundException;

/**
 * Every exception type the features throw, through the one advice, without a server or a database:
 * each becomes problem+json with its status, stable type, and nothing internal.
 */
@EnableConfigurationProperties({TrainyardProperties.class, io.trainyard.security.QuotaProperties.class})
// Authentication is tested over real HTTP (SecurityIntegrationTests); this slice tests the mapping only.
@AutoConfigureMockMvc(addFilters = false)
// The job package's interceptor (a full queue's early 429) needs the queue's refusals; this slice has none.
@WebMvcTest(
        controllers = ProblemMappingTests.Throwing.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.trainyard\\.job\\..*"))
@Import({ProblemMappingTests.Throwing.class, JsonConfiguration.class, ProblemMappingTests.DeclaredRanges.class})
class ProblemMappingTests {

    @Autowired
    MockMvcTester mvc;

    /** As a feature declares the ranges it checks itself (job/JobSpecRanges): here from a made-up setting. */
    @org.springframework.boot.test.context.TestConfiguration
    static class DeclaredRanges {
        @org.springframework.context.annotation.Bean
        WholeNumberRanges boundedRanges() {
            return (type, property) -> {
                if (type == Throwing.Bounded.class && property.equals("widths")) {
                    return WholeNumberRange.between(1, 64).because("test.max-width");
                }
                if (type == Throwing.Nested.class && property.equals("patience")) {
                    return WholeNumberRange.atLeast(1);
                }
                return null;
            };
        }
    }

    @RestController
    static class Throwing {

        @GetMapping(path = "/throw/{what}", produces = "application/json")
        String fail(@PathVariable String what) {
            throw switch (what) {
                case "invalid" ->
                    new InvalidRequestException(List.of(
                            new FieldError("alpha", "must be > 0"), new FieldError("layers[0]", "must be at least 1")));
                case "job" -> new JobNotFoundException("j1");
                case "model" -> new ModelNotFoundException("m1");
                case "dataset" -> new DatasetNotFoundException("d1");
                case "sweep" -> new SweepNotFoundException("s1");
                case "transition" -> new IllegalJobTransitionException("Job j1 is already SUCCEEDED.");
                case "conflict" -> new ConflictException("Model m1 cannot warm-start this job.");
                case "in-use" -> new DatasetInUseException("Data set d1 is used by job j1.");
                case "queue" -> new QueueFullException("The queue is full.", Duration.ofSeconds(7));
                case "too-large" -> new PayloadTooLargeException("The body is larger than 64 MiB.");
                // H2's write on a full disk, as JdbcClient hands it on (audit: 500 from a job read).
                case "disk-write" ->
                    new org.springframework.jdbc.UncategorizedSQLException(
                            "find",
                            "SELECT * FROM jobs WHERE id = ?",
                            org.h2.message.DbException.convert(org.h2.mvstore.DataUtils.newMVStoreException(
                                            org.h2.mvstore.DataUtils.ERROR_WRITING_FAILED,
                                            "Writing to {0} failed; length {1} at {2}",
                                            "/var/data/trainyard.mv.db",
                                            4096,
                                            0,
                                            new java.io.IOException("No space left on device")))
                                    .getSQLException());
                case "disk-short" ->
                    new InsufficientStorageException(
                            "Nothing new is stored while the disk … has less than trainyard.limits.min-free-disk free",
                            1024,
                            2048,
                            Duration.ofSeconds(60));
                default -> new IllegalStateException("secret: jdbc:h2:/var/data password=hunter2");
            };
        }

        @GetMapping(path = "/needs", produces = "application/json")
        String needs(@RequestParam List<String> ids) {
            return "ok";
        }

        record Named(String name, double alpha) {}

        @PostMapping(path = "/named", consumes = "application/json")
        Named named(@RequestBody Named body) {
            return body;
        }

        record Body(double alpha) {}

        record Counts(Integer batchSize, Long seed) {}

        /** Whole-number fields whose ranges come from Bean Validation and from a feature's declaration. */
        record Bounded(
                @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(10)
                Integer degree,

                List<Integer> widths,
                Nested nested) {}

        record Nested(Integer patience) {}

        @PostMapping(path = "/bounded", consumes = "application/json")
        Bounded bounded(@RequestBody Bounded body) {
            return body;
        }

        @PostMapping(path = "/counts", consumes = "application/json")
        Counts counts(@RequestBody Counts body) {
            return body;
        }

        record Tree(tools.jackson.databind.JsonNode value) {}

        @PostMapping(path = "/tree", consumes = "application/json")
        Tree tree(@RequestBody Tree body) {
            return body;
        }

        @PostMapping(path = "/echo", consumes = "application/json")
        Body echo(@RequestBody Body body) {
            return body;
        }
    }

    @Test
    void aMissingRequiredQueryParameterIsNamedInErrors() {
        MvcTestResult result = mvc.get().uri("/needs").exchange();
        assertProblem(result, 400, "invalid-request");
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("ids");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.errors[0].message")
                .asString()
                .contains("is required");
        assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("ids");
    }

    @Test
    void invalidInputListsEveryField() {
        MvcTestResult result = mvc.get().uri("/throw/invalid").exchange();
        assertProblem(result, 400, "invalid-request");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("alpha", "layers[0]");
    }

    @Test
    void unknownIdsAre404WithTheirKindNamed() {
        for (var kind : java.util.Map.of("job", "job", "model", "model", "dataset", "data set", "sweep", "sweep")
                .entrySet()) {
            MvcTestResult result = mvc.get().uri("/throw/" + kind.getKey()).exchange();
            assertProblem(result, 404, "not-found");
            assertThat(result).bodyJson().extractingPath("$.detail").asString().contains(kind.getValue());
        }
    }

    @Test
    void stateConflictsAre409() {
        for (String what : List.of("transition", "conflict", "in-use")) {
            assertProblem(mvc.get().uri("/throw/" + what).exchange(), 409, "conflict");
        }
    }

    @Test
    void aFullQueueIs429WithRetryAfter() {
        MvcTestResult result = mvc.get().uri("/throw/queue").exchange();
        assertProblem(result, 429, "queue-full");
        assertThat(result).headers().hasValue("Retry-After", "7");
    }

    @Test
    void aDatabaseThatCannotWriteIs503WithRetryAfterAndSaysNothingInternal() throws Exception {
        MvcTestResult result = mvc.get().uri("/throw/disk-write").exchange();
        assertProblem(result, 503, "service-unavailable");
        assertThat(result).headers().hasValue("Retry-After", "30");
        assertThat(result.getResponse().getContentAsString())
                .doesNotContain("/var/data")
                .doesNotContain("SELECT")
                .doesNotContain("incident");
    }

    @Test
    void aDiskShortOfRoomIs503InsufficientStorageWithBothSizes() {
        MvcTestResult result = mvc.get().uri("/throw/disk-short").exchange();
        assertProblem(result, 503, "insufficient-storage");
        assertThat(result).headers().hasValue("Retry-After", "60");
        assertThat(result).bodyJson().extractingPath("$.freeBytes").asNumber().isEqualTo(1024);
        assertThat(result)
                .bodyJson()
                .extractingPath("$.minFreeBytes")
                .asNumber()
                .isEqualTo(2048);
        assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("trainyard.limits.min-free-disk");
    }

    @Test
    void tooLargeIs413() {
        assertProblem(mvc.get().uri("/throw/too-large").exchange(), 413, "payload-too-large");
    }

    @Test
    void theUnexpectedIs500AndSaysNothingInternal() throws Exception {
        MvcTestResult result = mvc.get().uri("/throw/boom").exchange();
        assertProblem(result, 500, "internal-error");
        assertThat(result.getResponse().getContentAsString())
                .doesNotContain("hunter2")
                .doesNotContain("jdbc")
                .contains("incident");
    }

    @Test
    void strictJsonRejectsUnknownFieldsAndStringsForNumbers() {
        assertProblem(
                mvc.post()
                        .uri("/echo")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"alpha\": 1, \"x\": 2}")
                        .exchange(),
                400,
                "malformed-json");
        assertProblem(
                mvc.post()
                        .uri("/echo")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"alpha\": \"1\"}")
                        .exchange(),
                400,
                "malformed-json");
    }

    @Test
    void strictJsonRejectsARepeatedFieldAndNumbersOrBooleansWhereTextBelongs() {
        MvcTestResult repeated = mvc.post()
                .uri("/named")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\": \"a\", \"alpha\": 0.001, \"alpha\": 10}")
                .exchange();
        assertProblem(repeated, 400, "malformed-json");
        assertThat(repeated).bodyJson().extractingPath("$.detail").asString().contains("alpha");
        for (String value : List.of("123", "1.5", "true")) {
            MvcTestResult coerced = mvc.post()
                    .uri("/named")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"name\": " + value + ", \"alpha\": 0.001}")
                    .exchange();
            assertProblem(coerced, 400, "malformed-json");
            assertThat(coerced).bodyJson().extractingPath("$.detail").asString().contains("name");
        }
        assertThat(mvc.post()
                        .uri("/named")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"123\", \"alpha\": 0.001}")
                        .exchange())
                .hasStatusOk();
    }

    @Test
    void aBodyThatIsNotUtf8IsMalformedNeverDecodedIntoOtherCharacters() {
        // 0xC0 0xAF is an overlong '/': the parser had decoded it, and the name "a/b" came back.
        byte[] overlong = "{\"name\": \"a..b\", \"alpha\": 0.001}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int dots = new String(overlong, java.nio.charset.StandardCharsets.UTF_8).indexOf("..");
        overlong[dots] = (byte) 0xC0;
        overlong[dots + 1] = (byte) 0xAF;

        MvcTestResult result = mvc.post()
                .uri("/named")
                .contentType(MediaType.APPLICATION_JSON)
                .content(overlong)
                .exchange();

        assertProblem(result, 400, "malformed-json");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.detail")
                .isEqualTo("The body is not UTF-8 at line 1, column 12 (byte 12): 0xC0 0xAF is an overlong encoding of "
                        + "U+002F ('/'), which UTF-8 writes in 1 byte; overlong forms are not UTF-8 (RFC 3629). Send "
                        + "JSON as UTF-8 (RFC 8259).");
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("body");
        // Well-formed UTF-8 of every length is text as before.
        assertThat(mvc.post()
                        .uri("/named")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"é€😀\", \"alpha\": 0.001}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .exchange())
                .bodyJson()
                .extractingPath("$.name")
                .isEqualTo("é€😀");
    }

    /**
     * Well-formed UTF-8 that JSON has no place for outside its strings is not JSON, said with the
     * character and where it stands in characters: the parser had called it "Invalid UTF-8 start byte
     * 0x80", as if the body were not UTF-8.
     */
    @Test
    void aCharacterJsonHasNoPlaceForIsNamedNotCalledInvalidUtf8() {
        java.util.Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put(
                "{\"name\": \"x\", \"alpha\": \u201C0.1\u201D}",
                "The body is not valid JSON (line 1, column 24): unexpected character '\u201C' (U+201C): JSON encloses "
                        + "strings in straight double quotes (\"), not typographic ones.");
        bodies.put(
                "\u00A0{\"alpha\": 0.1}",
                "The body is not valid JSON (line 1, column 1): unexpected character U+00A0, a space JSON does not "
                        + "take: its white space is the space, tab, line feed and carriage return.");
        bodies.put(
                "{\"alpha\": 0.1}\n\u00A0",
                "The body is not valid JSON (line 2, column 1): unexpected character U+00A0, a space JSON does not "
                        + "take: its white space is the space, tab, line feed and carriage return.");
        bodies.put(
                "{\"name\": \u00E9, \"alpha\": 0.1}",
                "The body is not valid JSON (line 1, column 10): unexpected character '\u00E9' (U+00E9): outside its "
                        + "strings JSON is ASCII, so text belongs in double quotes.");
        // Columns count characters: the emoji and the escaped quote before it are inside a string.
        bodies.put(
                "{\"name\": \"\uD83D\uDE00\\\"\", \"alpha\": \uD83D\uDE00}",
                "The body is not valid JSON (line 1, column 26): unexpected character '\uD83D\uDE00' (U+1F600): "
                        + "outside its strings JSON is ASCII, so text belongs in double quotes.");
        bodies.put(
                "{\u201Calpha\u201D: 0.1}",
                "The body is not valid JSON (line 1, column 2): unexpected character '\u201C' (U+201C): JSON encloses "
                        + "strings in straight double quotes (\"), not typographic ones.");
        bodies.forEach((body, detail) -> {
            MvcTestResult result = mvc.post()
                    .uri("/named")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .exchange();
            assertProblem(result, 400, "malformed-json");
            assertThat(detail(result)).as(body).isEqualTo(detail);
            assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("body");
        });
        // What is wrong before the character is still said first, as the parser finds it.
        assertThat(detail(mvc.post()
                        .uri("/named")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\" 1, \"alpha\": \u201C0.1\u201D}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .exchange()))
                .startsWith("The body is not valid JSON (line 1, column 9): Unexpected character ('1' (code 49))");
        // A byte-order mark may open the body, and text in strings is any character.
        assertThat(mvc.post()
                        .uri("/named")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("\uFEFF{\"name\": \"\u201Cx\u201D \u00A0\", \"alpha\": 0.001}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .exchange())
                .bodyJson()
                .extractingPath("$.name")
                .isEqualTo("\u201Cx\u201D \u00A0");
    }

    @Test
    void aBodyCutShortSaysWhatIsMissingWithoutTheParsersDescriptionOfItsInput() {
        MvcTestResult result = mvc.post()
                .uri("/echo")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"alpha\": 1")
                .exchange();

        assertProblem(result, 400, "malformed-json");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.detail")
                .asString()
                .contains("The body is not valid JSON")
                .contains("expected close marker for Object")
                .doesNotContain("Source")
                .doesNotContain("StreamReadFeature")
                .doesNotContain("#UNKNOWN");
    }

    @Test
    void aParsersLocationOfAnOpeningBracketKeepsOnlyItsLineAndColumn() {
        assertThat(ParserMessages.plain("Unexpected end-of-input: expected close marker for Array"
                        + " (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"
                        + " disabled); byte offset: #UNKNOWN])"))
                .isEqualTo("Unexpected end-of-input: expected close marker for Array");
        assertThat(
                        ParserMessages.plain(
                                "expected close marker for Object (start marker at [Source: (String)\"{\"; line: 2, column: 7])"))
                .isEqualTo("expected close marker for Object (opened at line 2, column 7)");
        // A close marker of the wrong kind, where the parser names the object's start the same way.
        assertThat(detail(post("/echo", "{\"alpha\": 1]")))
                .isEqualTo("The body is not valid JSON (line 1, column 12): Unexpected close marker ']': expected '}'");
    }

    /**
     * What JSON does not allow, and the parser's limits, in plain words with the line and column where
     * the parser knows them: Jackson's messages named its classes and settings, advice for whoever
     * configures the parser ("enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow").
     */
    @Test
    void aBodyTheParserRefusesIsExplainedWithoutTheParsersClassesOrSettings() {
        assertThat(detail(post("/echo", "{\"alpha\": +1}")))
                .isEqualTo("The body is not valid JSON (line 1, column 12): a number may not start with '+'");
        assertThat(detail(post("/echo", "{\"alpha\": 1}/*x*/")))
                .isEqualTo("The body is not valid JSON (line 1, column 13): Unexpected character ('/' (code 47)): "
                        + "JSON has no comments");
        assertThat(detail(post("/echo", "{\"alpha\": 1} // x")))
                .isEqualTo("The body is not valid JSON (line 1, column 14): Unexpected character ('/' (code 47)): "
                        + "JSON has no comments");
        assertThat(detail(post("/echo", "{\"alpha\": 1" + "0".repeat(1000) + "}")))
                .isEqualTo("The body is not valid JSON: a number has at most 1,000 digits");
        assertThat(detail(post("/echo", "{\"alpha\": 0." + "1".repeat(1000) + "}")))
                .isEqualTo("The body is not valid JSON: a number has at most 1,000 digits");
        assertThat(detail(post("/echo", "{\"" + "a".repeat(50_001) + "\": 1}")))
                .isEqualTo("The body is not valid JSON: a property name has at most 50,000 characters");
        // Nesting is refused where a field is read as a tree (a model's lineage, a sweep's grid); a
        // number's field refuses an array before its depth.
        assertThat(detail(post("/tree", "{\"value\": " + "[".repeat(600) + "]".repeat(600) + "}")))
                .isEqualTo("The body is not valid JSON: at most 500 levels of nesting (arrays and objects inside one "
                        + "another)");
        assertThat(detail(post("/echo", "\u001E{\"alpha\": 1}")))
                .isEqualTo("The body is not valid JSON (line 1, column 1): Illegal character ((CTRL-CHAR, code 30)): "
                        + "only regular white space (\\r, \\n, \\t) is allowed between tokens");
        for (String body : List.of(
                "{\"alpha\": +1}",
                "{\"alpha\": 1}/*x*/",
                "{\"alpha\": 1} # x",
                "{\"alpha\": 1" + "0".repeat(1000) + "}",
                "{\"" + "a".repeat(50_001) + "\": 1}",
                "{\"alpha\": 1]",
                "\u001E{\"alpha\": 1}")) {
            MvcTestResult result = post("/echo", body);
            assertProblem(result, 400, "malformed-json");
            assertThat(detail(result))
                    .as(body.length() > 40 ? body.substring(0, 40) : body)
                    .startsWith("The body is not valid JSON")
                    .doesNotContain("`")
                    .doesNotContain("Feature")
                    .doesNotContain("StreamReadConstraints")
                    .doesNotContain("Source");
        }
        // A message no rule knows keeps what comes before the parser's names of its own settings.
        assertThat(ParserMessages.plain("Unexpected thing: enable `JsonReadFeature.ALLOW_THINGS` to allow"))
                .isEqualTo("Unexpected thing");
        assertThat(ParserMessages.plain("Token count (5) exceeds the maximum allowed (4, from "
                        + "`StreamReadConstraints.getMaxTokenCount()`)"))
                .isEqualTo("Token count (5) exceeds the maximum allowed");
        assertThat(ParserMessages.plain("Unrecognized token 'Feature': was expecting a value"))
                .isEqualTo("Unrecognized token 'Feature': was expecting a value");
    }

    private static String detail(MvcTestResult result) {
        assertThat(result).hasStatus(400);
        return JsonConfiguration.strictMapper()
                .readTree(result.getResponse().getContentAsByteArray())
                .get("detail")
                .asString();
    }

    @Test
    void aWholeNumberBeyondItsFieldsTypeIsTooLargeAndGetsTheFieldsOwnRangeNeverTheTypes() {
        // Where no range is declared: too large (or small), without the int's or long's range, which
        // promised values the field does not take.
        for (String body : List.of("{\"batchSize\": 2147483648}", "{\"seed\": 9223372036854775808}")) {
            MvcTestResult result = post("/counts", body);
            assertProblem(result, 400, "malformed-json");
            String field = body.substring(2, body.indexOf('"', 2));
            String value = body.substring(body.indexOf(':') + 2, body.length() - 1);
            assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo(field);
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.errors[0].message")
                    .isEqualTo("'" + value + "' is too large for this field");
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.detail")
                    .asString()
                    .as(body)
                    .startsWith(field + ": ")
                    .doesNotContain("2147483647")
                    .doesNotContain("9223372036854775807")
                    .doesNotContain("not valid JSON")
                    .doesNotContain("`");
        }
        // Bean Validation's @Min/@Max of the field, then a feature's declared range (of each element of a
        // list, of a nested field), whichever way the number is out.
        assertFieldMessage(
                post("/bounded", "{\"degree\": 2147483648}"),
                "degree",
                "'2147483648' is too large: must be a whole number from 1 to 10");
        assertFieldMessage(
                post("/bounded", "{\"degree\": -99999999999}"),
                "degree",
                "'-99999999999' is too small: must be a whole number from 1 to 10");
        assertFieldMessage(
                post("/bounded", "{\"widths\": [5, 3000000000]}"),
                "widths[1]",
                "'3000000000' is too large: must be a whole number from 1 to 64 (test.max-width)");
        assertFieldMessage(
                post("/bounded", "{\"nested\": {\"patience\": 3000000000}}"),
                "nested.patience",
                "'3000000000' is too large: must be a whole number of at least 1");
        // 1e10 and 5.0 are whole numbers, only not written as one: saying they are not whole misleads.
        for (String value : List.of("1e10", "5.0")) {
            MvcTestResult result = post("/counts", "{\"batchSize\": " + value + "}");
            assertProblem(result, 400, "malformed-json");
            assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("batchSize");
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.detail")
                    .asString()
                    .as(value)
                    .doesNotContain("is not a whole number")
                    .contains("without a decimal point or exponent");
        }
        assertFieldMessage(
                post("/bounded", "{\"degree\": 1e10}"),
                "degree",
                "must be a whole number from 1 to 10 written without a decimal point or exponent, got 1.0E10");
        MvcTestResult notWhole = post("/counts", "{\"batchSize\": 1.5}");
        assertThat(notWhole).bodyJson().extractingPath("$.detail").asString().contains("'1.5' is not a whole number");
        // 1e400 is no double at all: it was "'Infinity' is not a whole number", a value never sent.
        for (String value : List.of("1e400", "-1E+400")) {
            assertThat(post("/counts", "{\"batchSize\": " + value + "}"))
                    .bodyJson()
                    .extractingPath("$.detail")
                    .asString()
                    .as(value)
                    .contains("is beyond the range of a number (more than about 1.8e308 in size); give a whole number")
                    .doesNotContain("Infinity")
                    .doesNotContain("2147483647");
        }
        assertFieldMessage(
                post("/bounded", "{\"degree\": 1e400}"),
                "degree",
                "is beyond the range of a number (more than about 1.8e308 in size): must be a whole number from 1 to "
                        + "10");
    }

    @Test
    void aBodyThatIsNoObjectOrNoJsonAtAllIsNamedAsTheBodyInErrors() {
        java.util.Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("[1]", "The body must be a JSON object, not an array.");
        bodies.put("\"x\"", "The body must be a JSON object, not a string.");
        bodies.put("5", "The body must be a JSON object, not a number.");
        bodies.put("null", "The request body is empty or JSON null; send a JSON object.");
        bodies.put("", "The request body is empty or JSON null; send a JSON object.");
        bodies.put("{\"alpha\": 1", "The body is not valid JSON");
        bodies.put("{\"alpha\": 1} {}", "The body has more after its JSON value");
        bodies.forEach((body, message) -> {
            MvcTestResult result = post("/echo", body);
            assertProblem(result, 400, "malformed-json");
            // As the services' own checks of a whole body report it (a missing spec: field "body").
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.errors[0].field")
                    .as(body)
                    .isEqualTo("body");
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.errors[0].message")
                    .asString()
                    .as(body)
                    .startsWith(message);
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.detail")
                    .asString()
                    .as(body)
                    .startsWith(message);
        });
    }

    private MvcTestResult post(String path, String body) {
        return mvc.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
    }

    private static void assertFieldMessage(MvcTestResult result, String field, String message) {
        assertProblem(result, 400, "malformed-json");
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo(field);
        assertThat(result).bodyJson().extractingPath("$.errors[0].message").isEqualTo(message);
        assertThat(result).bodyJson().extractingPath("$.detail").isEqualTo(field + ": " + message);
    }

    @Test
    void anUnknownFormatIs400AndAnUnacceptableAcceptIs406() {
        assertProblem(mvc.get().uri("/throw/job?format=xls").exchange(), 400, "invalid-request");
        assertProblem(
                mvc.get().uri("/throw/job").accept(MediaType.APPLICATION_XML).exchange(), 406, "not-acceptable");
    }

    @Test
    void anAcceptHeaderThatIsNoMediaTypeIs406WithAProblemBody() {
        // Spring cannot negotiate the problem's own representation against an Accept it cannot parse
        // either; the answer was a bare 406 without a body.
        for (String accept : List.of("garbage", "application/json;q=abc", "text/")) {
            MvcTestResult result =
                    mvc.get().uri("/throw/job").header("Accept", accept).exchange();
            assertProblem(result, 406, "not-acceptable");
            assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("Accept");
        }
    }

    private static void assertProblem(MvcTestResult result, int status, String type) {
        assertThat(result).hasStatus(status);
        assertThat(result).contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result).bodyJson().extractingPath("$.type").asString().endsWith("/" + type);
        assertThat(result).bodyJson().extractingPath("$.title").asString().isNotBlank();
        assertThat(result).bodyJson().extractingPath("$.status").asNumber().isEqualTo(status);
    }
}
