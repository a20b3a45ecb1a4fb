package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.trainyard.support.Http;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document is a contract clients generate from, so it is linted in the build: the live
 * {@code /v3/api-docs} is checked with the rules of Redocly CLI's {@code recommended} ruleset that
 * apply to it (rule names in the messages; {@code npx @redocly/cli lint --extends recommended} on the
 * same document reports 0 errors and 0 warnings), plus what issue 11 asks of it: a bearer scheme on
 * every operation, a 2xx and a problem+json 4xx on each, and a relative server URL. Every violation
 * is collected, so one failing run lists them all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiContractTests {

    /** Paths that need no key (API.md); if springdoc ever lists them, they must say so. */
    private static final List<String> PUBLIC = List.of("/actuator/health", "/v3/api-docs", "/swagger-ui");

    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9_.~-]+");
    private static final Pattern TEMPLATE = Pattern.compile("\\{([^}]+)}");

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-openapi").toString());
        // Not the defaults: the job request's documented bounds must follow the configured limits.
        registry.add("trainyard.limits.max-iterations", () -> "250000");
        registry.add("trainyard.limits.max-width", () -> "512");
        registry.add("trainyard.limits.max-hidden-layers", () -> "8");
    }

    @LocalServerPort
    int port;

    private String text;
    private JsonNode raw;
    private SwaggerParseResult parsed;
    private OpenAPI doc;
    private final List<String> violations = new ArrayList<>();

    @BeforeEach
    void fetch() {
        // Fetched without a key, as a client generator would.
        Http.Response response = new Http(port).as(null).get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        text = response.text();
        raw = response.json();
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        parsed = new OpenAPIV3Parser().readContents(text, null, options);
        doc = parsed.getOpenAPI();
        assertThat(doc).isNotNull();
    }

    /** Redocly's struct rule: the document is valid OpenAPI 3.1 (swagger-parser's own validation). */
    @Test
    void theDocumentIsValidOpenApi() {
        assertThat(raw.get("openapi").asString()).startsWith("3.1");
        assertThat(parsed.getMessages()).as("struct: the parser's complaints").isEmpty();
    }

    @Test
    void everyOperationNeedsTheBearerKeyAndDocumentsItsSuccessAndProblems() {
        Map<String, SecurityScheme> schemes =
                doc.getComponents() == null ? Map.of() : doc.getComponents().getSecuritySchemes();
        assertThat(schemes).as("security schemes").isNotNull().isNotEmpty();
        assertThat(schemes.values())
                .as("a bearer scheme")
                .anyMatch(s -> s.getType() == SecurityScheme.Type.HTTP && "bearer".equalsIgnoreCase(s.getScheme()));
        Set<String> operationIds = new HashSet<>();
        forEachOperation((where, path, operation) -> {
            List<SecurityRequirement> security =
                    operation.getSecurity() != null ? operation.getSecurity() : doc.getSecurity();
            boolean open = PUBLIC.stream().anyMatch(path::startsWith);
            if (!open
                    && (security == null
                            || security.isEmpty()
                            || security.stream().anyMatch(Map::isEmpty))) {
                violation(where, "security-defined", "needs a key but declares no security requirement");
            }
            if (security != null) {
                security.stream()
                        .flatMap(requirement -> requirement.keySet().stream())
                        .filter(name -> !schemes.containsKey(name))
                        .forEach(name -> violation(where, "security-defined", "names no scheme '" + name + "'"));
            }
            Map<String, ApiResponse> responses = operation.getResponses() == null ? Map.of() : operation.getResponses();
            if (responses.keySet().stream().noneMatch(code -> code.startsWith("2"))) {
                violation(where, "operation-2xx-response", "documents no 2xx answer");
            }
            if (responses.keySet().stream().noneMatch(code -> code.startsWith("4"))) {
                violation(where, "operation-4xx-response", "documents no 4xx answer");
            }
            responses.forEach((code, response) -> {
                if (code.startsWith("4") || code.startsWith("5")) {
                    MediaType problem = response.getContent() == null
                            ? null
                            : response.getContent().get("application/problem+json");
                    if (problem == null || problem.getSchema() == null) {
                        violation(where, "problem+json", code + " is not application/problem+json with a schema");
                    }
                }
                if (code.equals("401")
                        && (response.getHeaders() == null
                                || !response.getHeaders().containsKey("WWW-Authenticate"))) {
                    violation(where, "headers", "401 documents no WWW-Authenticate header");
                }
                if (code.equals("429")
                        && (response.getHeaders() == null
                                || !response.getHeaders().containsKey("Retry-After"))) {
                    violation(where, "headers", "429 documents no Retry-After header");
                }
            });
            if (!open && !responses.containsKey("401")) {
                violation(where, "security", "documents no 401 for a missing or revoked key");
            }
            if (operation.getSummary() == null || operation.getSummary().isBlank()) {
                violation(where, "operation-summary", "has no summary");
            }
            String id = operation.getOperationId();
            if (id == null || id.isBlank()) {
                violation(where, "operation-operationId", "has no operationId");
            } else {
                if (!operationIds.add(id)) {
                    violation(where, "operation-operationId-unique", "reuses operationId " + id);
                }
                if (!URL_SAFE.matcher(id).matches()) {
                    violation(where, "operation-operationId-url-safe", "operationId " + id + " is not URL-safe");
                }
                // Our own rule: generated ids (springdoc's method name, "_1", "_2" for repeats) read
                // poorly in generated clients; every operation names itself, e.g. listJobs.
                if (!id.matches("[a-z]+[A-Z][A-Za-z]*")) {
                    violation(
                            where, "operation-operationId-named", "operationId " + id + " is not verbNoun camel case");
                }
            }
        });
        assertThat(violations).as("OpenAPI lint").isEmpty();
    }

    @Test
    void pathsParametersServersTagsAndInfoFollowTheRecommendedRules() {
        forEachOperation((where, path, operation) -> {
            List<Parameter> parameters = new ArrayList<>();
            if (doc.getPaths().get(path).getParameters() != null) {
                parameters.addAll(doc.getPaths().get(path).getParameters());
            }
            if (operation.getParameters() != null) {
                parameters.addAll(operation.getParameters());
            }
            Set<String> seen = new HashSet<>();
            for (Parameter parameter : parameters) {
                if (!seen.add(parameter.getIn() + ":" + parameter.getName())) {
                    violation(where, "operation-parameters-unique", "repeats parameter " + parameter.getName());
                }
            }
            Set<String> inTemplate = new HashSet<>();
            Matcher matcher = TEMPLATE.matcher(path);
            while (matcher.find()) {
                inTemplate.add(matcher.group(1));
            }
            Set<String> declared = new HashSet<>();
            parameters.stream().filter(p -> "path".equals(p.getIn())).forEach(p -> declared.add(p.getName()));
            if (!declared.equals(inTemplate)) {
                violation(
                        where,
                        "path-parameters-defined",
                        "template names " + inTemplate + " but the path parameters are " + declared);
            }
            if (operation.getTags() != null) {
                for (String tag : operation.getTags()) {
                    boolean described = doc.getTags() != null
                            && doc.getTags().stream()
                                    .anyMatch(t -> t.getName().equals(tag)
                                            && t.getDescription() != null
                                            && !t.getDescription().isBlank());
                    if (!described) {
                        violation(where, "tag-description", "tag '" + tag + "' is not declared with a description");
                    }
                }
            }
        });
        doc.getPaths().keySet().forEach(path -> {
            if (path.length() > 1 && path.endsWith("/")) {
                violation(path, "no-path-trailing-slash", "ends with /");
            }
            if (path.contains("?")) {
                violation(path, "path-not-include-query", "contains a query string");
            }
        });
        if (doc.getTags() != null) {
            Set<String> names = new HashSet<>();
            doc.getTags().stream()
                    .filter(tag -> !names.add(tag.getName()))
                    .forEach(tag -> violation("tags", "no-duplicated-tag-names", "'" + tag.getName() + "' twice"));
        }
        if (doc.getServers() == null || doc.getServers().isEmpty()) {
            violation("servers", "no-empty-servers", "no server");
        } else {
            doc.getServers().forEach(server -> {
                String url = server.getUrl().toLowerCase(Locale.ROOT);
                if (url.contains("://") || url.contains("localhost") || url.contains("127.0.0.1")) {
                    violation("servers", "relative server URL", url + " names a host");
                }
                if (url.contains("example.com")) {
                    violation("servers", "no-server-example.com", url);
                }
                if (url.length() > 1 && url.endsWith("/")) {
                    violation("servers", "no-server-trailing-slash", url);
                }
            });
        }
        var license = doc.getInfo().getLicense();
        if (license == null || license.getName() == null) {
            violation("info", "info-license", "no licence");
        } else if (license.getUrl() == null && license.getIdentifier() == null) {
            violation("info", "info-license-strict", "the licence has neither url nor identifier");
        }
        if (doc.getComponents() != null && doc.getComponents().getSchemas() != null) {
            doc.getComponents().getSchemas().keySet().stream()
                    .filter(name -> !text.contains("\"#/components/schemas/" + name + "\""))
                    .forEach(name -> violation("components", "no-unused-components", name + " is never referenced"));
        }
        assertThat(violations).as("OpenAPI lint").isEmpty();
    }

    /**
     * Redocly's no-invalid-media-type-examples, no-invalid-parameter-examples and
     * no-invalid-schema-examples: every example is checked against its own schema (JSON Schema 2020-12,
     * the dialect of OpenAPI 3.1), {@code $ref}s into the components resolved.
     */
    @Test
    void predictingDocumentsBothMediaTypesWithAnExampleEachAndBothAnswers() {
        // Two handler methods share each path (JSON and CSV); springdoc merges them into one operation.
        for (String path : List.of("/models/{id}/predictions", "/aliases/{name}/predictions")) {
            JsonNode post = raw.get("paths").get(path).get("post");
            for (String mediaType : List.of("application/json", "text/csv")) {
                JsonNode examples =
                        post.at("/requestBody/content").path(mediaType).path("examples");
                assertThat(examples.path("two rows of hw5").path("value").toString())
                        .as("%s %s request example", path, mediaType)
                        .contains("2.3");
            }
            // read as CSV too, as a data set upload reads it
            JsonNode applicationCsv =
                    post.at("/requestBody/content").path("application/csv").path("schema");
            assertThat(applicationCsv.path("type").asString())
                    .as("%s application/csv body", path)
                    .isEqualTo("string");
            assertThat(applicationCsv.has("format"))
                    .as("%s application/csv is plain text", path)
                    .isFalse();
            JsonNode answers = post.at("/responses/200/content");
            assertThat(answers.path("application/json")
                            .path("schema")
                            .path("$ref")
                            .asString())
                    .as("%s JSON answer", path)
                    .isEqualTo("#/components/schemas/PredictionResponse");
            assertThat(answers.has("text/csv")).as("%s CSV answer", path).isTrue();
        }
        assertThat(raw.at("/components/schemas/PredictionResponse/properties/y").isMissingNode())
                .isFalse();
    }

    /**
     * What the layers around every handler can answer is listed on every operation it applies to: 415
     * for a body in a media type the operation does not read, 408 for a body that arrives too slowly,
     * 503 with Retry-After (the database is unreachable, or a large body found no permit), 400 on every
     * operation (a bad or repeated {@code format} reaches them all, and a change refuses a query parameter it
     * does not take; an alias name is checked too), and the Location header of every 201 and of a
     * submission's 202. Each was answered by the running service but missing from the document; the 400s
     * and a Location are checked against the service below.
     */
    @Test
    void everyOperationListsWhatTheServiceAroundItCanAnswer() {
        forEachOperation((where, path, operation) -> {
            Map<String, ApiResponse> responses = operation.getResponses() == null ? Map.of() : operation.getResponses();
            if (operation.getRequestBody() != null && !responses.containsKey("415")) {
                violation(where, "statuses", "reads a body but documents no 415 for another Content-Type");
            }
            if (operation.getRequestBody() != null && !responses.containsKey("408")) {
                violation(where, "statuses", "reads a body but documents no 408 for one that arrives too slowly");
            }
            ApiResponse unavailable = responses.get("503");
            if (unavailable == null
                    || unavailable.getHeaders() == null
                    || !unavailable.getHeaders().containsKey("Retry-After")) {
                violation(where, "statuses", "documents no 503 with Retry-After (database unreachable)");
            }
            ApiResponse invalid = responses.get("400");
            if (invalid == null
                    || invalid.getContent() == null
                    || invalid.getContent().get("application/problem+json") == null) {
                violation(where, "statuses", "documents no problem+json 400 (a bad or repeated `format` query)");
            }
            responses.forEach((status, answer) -> {
                // A cancel's 202 (on an id) answers with what it cancelled; anything else 201 or 202 created something.
                boolean creates = status.equals("201") || (status.equals("202") && !path.contains("{"));
                if (creates
                        && (answer.getHeaders() == null || !answer.getHeaders().containsKey("Location"))) {
                    violation(where, "headers", status + " documents no Location header naming what it created");
                }
            });
            boolean answersWithBody = responses.entrySet().stream()
                    .anyMatch(answer ->
                            answer.getKey().startsWith("2") && answer.getValue().getContent() != null);
            if (answersWithBody && !responses.containsKey("406")) {
                violation(where, "statuses", "answers with a body but documents no 406 for an Accept it cannot meet");
            }
        });
        assertThat(violations)
                .as("statuses the service answers but the document omits")
                .isEmpty();

        // What the document now says is what the service does (audit I, finding 7).
        Http http = new Http(port);
        String unknown = "/00000000-0000-0000-0000-000000000000";
        assertThat(http.get("/keys/me?format=xml").status()).isEqualTo(400);
        assertThat(http.get("/jobs" + unknown + "?format=json&format=csv").status())
                .isEqualTo(400);
        assertThat(http.delete("/jobs" + unknown + "?foo=1").status()).isEqualTo(400);
        assertThat(http.post("/jobs" + unknown + "/cancel?foo=1", "").status()).isEqualTo(400);
        assertThat(http.delete("/models" + unknown + "?foo=1").status()).isEqualTo(400);
        Http.Response created = http.post("/models", """
                {"layerSizes": [1, 1], "activation": "none", "bias": false,
                 "preprocessing": {"basisDegree": 1, "normalize": false}, "weights": {"W0": [[3.0]]}}""");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).startsWith("/models/");
    }

    /**
     * Uploading is one operation in two media types (CSV and JSON), handled by two methods that springdoc
     * merges: the document must describe both, with an example for each, and the CSV body as plain text
     * (format byte would mean base64).
     */
    @Test
    void uploadingADataSetDescribesBothMediaTypesWithAnExampleEach() {
        JsonNode post = raw.get("paths").get("/datasets").get("post");
        assertThat(post.get("summary").asString()).contains("CSV").contains("JSON");
        assertThat(post.get("description").asString())
                .contains("header row")
                .contains("testFraction")
                .contains("`x`");
        for (String mediaType : List.of("text/csv", "application/json")) {
            JsonNode content = post.at("/requestBody/content").path(mediaType);
            assertThat(content.path("examples").isEmpty())
                    .as("%s has an example", mediaType)
                    .isFalse();
        }
        for (String mediaType : List.of("text/csv", "application/csv")) {
            JsonNode schema = post.at("/requestBody/content").path(mediaType).path("schema");
            assertThat(schema.path("type").asString()).isEqualTo("string");
            assertThat(schema.has("format"))
                    .as("%s is plain text, not base64", mediaType)
                    .isFalse();
        }
    }

    /**
     * A client built from the document learns the key rules from it, not from 400s and 409s: both
     * fields are required, the name has its pattern and length, the role its two values, and the
     * description tells reserved names and uniqueness regardless of case.
     */
    @Test
    void creatingAKeyDescribesEveryRuleOfItsRequest() {
        JsonNode request = raw.at("/components/schemas/CreateKeyRequest");
        assertThat(request.path("required")).extracting(JsonNode::asString).containsExactlyInAnyOrder("name", "role");
        JsonNode name = request.at("/properties/name");
        assertThat(name.path("pattern").asString()).isEqualTo("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$");
        assertThat(name.path("maxLength").asInt()).isEqualTo(100);
        assertThat(name.path("description").asString())
                .contains("'local'", "'system'", "reserved")
                .contains("regardless of case");
        assertThat(request.at("/properties/role/enum"))
                .extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("admin", "user");
        // The pattern as the document states it holds exactly the names the service takes.
        Pattern pattern = Pattern.compile(name.path("pattern").asString());
        assertThat(List.of("alice", "a", "x.y_z-1", "A".repeat(100)))
                .allMatch(n -> pattern.matcher(n).find());
        assertThat(List.of("", "-alice", "x y", "alice!", "A".repeat(101), "ok\nbad"))
                .noneMatch(n -> pattern.matcher(n).find());
        assertThat(raw.at("/paths/~1keys~1{id}/delete/responses/409").isMissingNode())
                .as("revoking documents its 409 (the last admin key)")
                .isFalse();
    }

    @Test
    void everyExampleIsValidAgainstItsSchema() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<String, JsonNode> examples = new HashMap<>();
        collectExamples(raw, "#", examples);
        assertThat(examples).as("the document has examples to check").hasSizeGreaterThan(20);
        examples.forEach((where, pair) -> {
            ObjectNode schema = Http.JSON.createObjectNode();
            schema.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
            schema.set("components", raw.get("components"));
            schema.putArray("allOf").add(pair.get("schema"));
            var errors = registry.getSchema(schema).validate(pair.get("example"));
            if (!errors.isEmpty()) {
                violation(where, "no-invalid-*-examples", errors.toString());
            }
        });
        assertThat(violations).as("examples that do not fit their schema").isEmpty();
    }

    /**
     * Real answers fit the schemas the document gives them: a client generated from it reads every
     * answer without an error. Fields that are null in ordinary answers (a job without validation
     * rows, a list's last page, a sweep before its first member ends) were declared with a plain type,
     * and strict generated clients refused them.
     */
    @Test
    void realAnswersFitTheSchemasTheDocumentGivesThem() {
        Http http = new Http(port);
        String job = http.post("/jobs", ApiContract.hw5Spec("schemas", 20))
                .expect(202)
                .get("id")
                .asString();
        String sweep = http.post(
                        "/sweeps",
                        Map.of(
                                "name",
                                "schemas",
                                "base",
                                ApiContract.hw5Spec("schemas sweep", 20),
                                "grid",
                                Map.of("alpha", List.of(0.0005, 0.001)),
                                "selectBy",
                                "train"))
                .expect(202)
                .get("id")
                .asString();
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        // Before anything finished: the sweep has no best member yet, the job may have no model yet.
        answers.put("/sweeps/{id} " + sweep, "/sweeps/" + sweep);
        answers.put("/jobs/{id} " + job, "/jobs/" + job);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> http.get("/sweeps/" + sweep).json().get("finished").asBoolean()
                        && http.get("/jobs/" + job)
                                .json()
                                .get("status")
                                .asString()
                                .equals("SUCCEEDED"));
        String model = http.get("/jobs/" + job).json().get("modelId").asString();
        Map<String, String> finished = Map.of(
                "/jobs/{id}",
                "/jobs/" + job,
                "/jobs",
                "/jobs?limit=1",
                "/jobs/{id}/losses",
                "/jobs/" + job + "/losses",
                "/jobs/{id}/gradients",
                "/jobs/" + job + "/gradients",
                "/models/{id}",
                "/models/" + model,
                "/models",
                "/models?limit=100",
                "/sweeps/{id}",
                "/sweeps/" + sweep,
                "/sweeps",
                "/sweeps?limit=100",
                "/datasets",
                "/datasets",
                "/datasets/{id}",
                "/datasets/hw5");
        finished.forEach((template, path) -> answers.put(template + " finished", path));

        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        answers.forEach((what, path) -> {
            String template = what.substring(0, what.indexOf(' ') < 0 ? what.length() : what.indexOf(' '));
            JsonNode documented = raw.at("/paths/" + template.replace("/", "~1") + "/get/responses/200/content")
                    .path("application/json")
                    .path("schema");
            assertThat(documented.isMissingNode())
                    .as("%s documents a JSON 200", template)
                    .isFalse();
            ObjectNode schema = Http.JSON.createObjectNode();
            schema.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
            schema.set("components", raw.get("components"));
            schema.putArray("allOf").add(documented);
            JsonNode answer = http.get(path).expect(200);
            var errors = registry.getSchema(schema).validate(answer);
            if (!errors.isEmpty()) {
                violation(what, "answers-fit-their-schema", errors.toString());
            }
        });
        assertThat(violations)
                .as("real answers that do not fit their documented schema")
                .isEmpty();
    }

    /**
     * A client generated from the document refuses what the service refuses: the job request (a
     * sweep's base too) declares the bounds of its fields, the configurable ones from the live limits,
     * and for each bound a body the schema refuses is one the service refuses.
     */
    /**
     * Audit contract, F5: the plot sizes were declared as 200–4000 by 150–4000, and 4000 × 4000 is a 400
     * (at most 4,000,000 pixels): the document now says so where the sizes and the 400 are described,
     * and gives the defaults of the history endpoints as the compare endpoint did.
     */
    @Test
    void plotSizesDeclareThePixelLimitTheServiceEnforcesAndTheirDefaults() {
        for (String path : List.of("/jobs/{id}/losses", "/jobs/{id}/gradients", "/jobs/compare")) {
            Operation operation = doc.getPaths().get(path).getGet();
            Map<String, Integer> defaults = Map.of("width", 900, "height", 500);
            defaults.forEach((name, value) -> {
                Parameter size = operation.getParameters().stream()
                        .filter(p -> p.getName().equals(name))
                        .findFirst()
                        .orElseThrow();
                assertThat(size.getDescription()).as("%s %s", path, name).contains("at most 4000000 pixels");
                assertThat(size.getSchema().getDefault())
                        .as("%s %s", path, name)
                        .hasToString(value.toString());
            });
            assertThat(operation.getResponses().get("400").getDescription())
                    .as(path)
                    .contains("more than 4000000 pixels");
        }
    }

    @Test
    void theJobRequestDeclaresTheBoundsTheServiceEnforcesWithTheConfiguredLimits() {
        JsonNode request = raw.at("/components/schemas/CreateJobRequest/properties");
        assertThat(request.at("/iterations/minimum").asInt()).isZero();
        assertThat(request.at("/iterations/maximum").asInt())
                .as("trainyard.limits.max-iterations")
                .isEqualTo(250000);
        assertThat(request.at("/layers/maxItems").asInt())
                .as("trainyard.limits.max-hidden-layers")
                .isEqualTo(8);
        assertThat(request.at("/layers/items/minimum").asInt()).isEqualTo(1);
        assertThat(request.at("/layers/items/maximum").asInt())
                .as("trainyard.limits.max-width")
                .isEqualTo(512);
        assertThat(request.at("/basisDegree/minimum").asInt()).isEqualTo(1);
        assertThat(request.at("/basisDegree/maximum").asInt()).isEqualTo(10);
        assertThat(request.at("/batchSize/minimum").asInt()).isEqualTo(1);
        assertThat(request.at("/batchSize/maximum").isMissingNode()).isTrue();
        assertThat(request.at("/alpha/exclusiveMinimum").asInt()).isZero();
        assertThat(request.at("/scale/minimum").asInt()).isZero();
        assertThat(request.at("/validationFraction/minimum").asInt()).isZero();
        assertThat(request.at("/validationFraction/exclusiveMaximum").asInt()).isEqualTo(1);
        assertThat(request.at("/name/maxLength").asInt()).isEqualTo(200);
        assertThat(request.at("/activation/enum").toString()).isEqualTo("[\"sigmoid\",\"relu\",\"tanh\",\"none\"]");
        assertThat(request.at("/iterations/description").asString())
                .contains("epochs")
                .contains("batchSize");
        assertThat(request.at("/seed/description").asString()).contains("mini-batch order");
        assertThat(raw.at("/components/schemas/EarlyStopping/properties/patience/minimum")
                        .asInt())
                .isEqualTo(1);
        assertThat(raw.at("/components/schemas/Optimizer/properties/beta1/exclusiveMaximum")
                        .asInt())
                .isEqualTo(1);
        assertThat(raw.at("/components/schemas/Optimizer/properties/epsilon/exclusiveMinimum")
                        .asInt())
                .isZero();
        assertThat(raw.at("/components/schemas/CreateSweepRequest/properties/base")
                        .toString())
                .as("a sweep's base is the job request, bounds and all")
                .contains("#/components/schemas/CreateJobRequest");

        ObjectNode root = Http.JSON.createObjectNode();
        root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        root.set("components", raw.get("components"));
        root.putArray("allOf").addObject().put("$ref", "#/components/schemas/CreateJobRequest");
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(root);
        Http http = new Http(port);
        String ok = "\"dataset\": \"hw5\", \"alpha\": 0.1";
        String widest = "{" + ok + ", \"iterations\": 250000, \"layers\": [512], \"basisDegree\": 10, "
                + "\"validationFraction\": 0.5, \"batchSize\": 1, \"activation\": \"tanh\", \"scale\": 0}";
        assertThat(schema.validate(Http.JSON.readTree(widest))).as(widest).isEmpty();
        assertThat(http.post("/jobs?dryRun=true", widest).status()).as(widest).isEqualTo(200);
        for (String beyond : List.of(
                "\"iterations\": 250001",
                "\"iterations\": -1",
                "\"layers\": [513]",
                "\"layers\": [0]",
                "\"layers\": [1, 1, 1, 1, 1, 1, 1, 1, 1]",
                "\"basisDegree\": 11",
                "\"alpha\": 0",
                "\"scale\": -1",
                "\"validationFraction\": 1",
                "\"batchSize\": 0",
                "\"activation\": \"softmax\"",
                "\"earlyStopping\": {\"patience\": 0, \"monitor\": \"train\"}",
                "\"optimizer\": {\"type\": \"momentum\", \"beta\": 1}",
                "\"optimizer\": {\"type\": \"adam\", \"epsilon\": 0}")) {
            // A later duplicate of alpha would be refused for that alone: alpha's case replaces the first.
            String body = beyond.startsWith("\"alpha\"")
                    ? "{\"dataset\": \"hw5\", " + beyond + "}"
                    : "{" + ok + ", " + beyond + "}";
            assertThat(schema.validate(Http.JSON.readTree(body)))
                    .as("the schema refuses %s", body)
                    .isNotEmpty();
            assertThat(http.post("/jobs?dryRun=true", body).status())
                    .as("the service refuses %s", body)
                    .isEqualTo(400);
        }
    }

    /**
     * Finds every example with the schema it must fit: on schemas (at any depth), on media types and
     * parameters and headers (example and examples.*.value).
     */
    private void collectExamples(JsonNode node, String pointer, Map<String, JsonNode> found) {
        if (node == null || !node.isObject() && !node.isArray()) {
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectExamples(node.get(i), pointer + "/" + i, found);
            }
            return;
        }
        JsonNode schema = node.get("schema");
        boolean schemaItself = node.has("type") || node.has("properties") || node.has("$ref") || node.has("allOf");
        if (schema != null && schema.isObject()) {
            // A media type, a parameter or a header: its examples must fit its schema.
            if (node.has("example")) {
                found.put(pointer + "/example", pair(schema, node.get("example")));
            }
            if (node.has("examples") && node.get("examples").isObject()) {
                for (var example : node.get("examples").properties()) {
                    if (example.getValue().has("value")) {
                        found.put(
                                pointer + "/examples/" + example.getKey(),
                                pair(schema, example.getValue().get("value")));
                    }
                }
            }
        } else if (schemaItself) {
            if (node.has("example")) {
                found.put(pointer + "/example", pair(node, node.get("example")));
            }
            if (node.has("examples") && node.get("examples").isArray()) {
                for (int i = 0; i < node.get("examples").size(); i++) {
                    found.put(
                            pointer + "/examples/" + i,
                            pair(node, node.get("examples").get(i)));
                }
            }
        }
        for (var child : node.properties()) {
            if (!child.getKey().equals("example") && !child.getKey().equals("examples")) {
                collectExamples(child.getValue(), pointer + "/" + child.getKey().replace("/", "~1"), found);
            }
        }
    }

    private static JsonNode pair(JsonNode schema, JsonNode example) {
        ObjectNode pair = Http.JSON.createObjectNode();
        pair.set("schema", schema);
        pair.set("example", example);
        return pair;
    }

    private interface OperationCheck {
        void check(String where, String path, Operation operation);
    }

    private void forEachOperation(OperationCheck check) {
        assertThat(doc.getPaths()).as("paths").isNotEmpty();
        doc.getPaths().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry :
                    item.readOperationsMap().entrySet()) {
                check.check(entry.getKey() + " " + path, path, entry.getValue());
            }
        });
    }

    private void violation(String where, String rule, String message) {
        violations.add(where + " [" + rule + "]: " + message);
    }
}
