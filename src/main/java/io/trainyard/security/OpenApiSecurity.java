package io.trainyard.security;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import java.util.List;
import java.util.Set;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.trainyard.system.FieldError;

/**
 * The OpenAPI document as a contract clients generate from. The controllers document what their
 * own resources answer; this adds what the layers around every handler answer, so no operation can
 * forget them: the bearer scheme (every documented operation needs a key; the public paths are not
 * in the document), 401, 403 on admin-only operations and for the storage quota, 404 for an id this
 * key may not see, 400 on every operation (a bad query reaches them all), 413 and 415 for bad bodies,
 * 429 and 503 with {@code Retry-After}, the {@code Idempotency-Key} header with its 409 and 422, the
 * {@code Location} header of what a 201 or a submission's 202 created, one {@code Problem} schema for
 * every problem+json body, and a relative server URL (the document must not name the host it was
 * fetched from). Checked by {@code OpenApiContractTests} with Redocly's {@code recommended} rules.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiSecurity {

    static final String SCHEME = "bearerKey";
    static final String PROBLEM = "application/problem+json";
    private static final String PROBLEM_REF = "#/components/schemas/Problem";

    /** Where {@link QuotaInterceptor} checks the storage quota and {@link IdempotencyFilter} replays. */
    private static final Set<String> STORES = Set.of("/jobs", "/sweeps", "/datasets", "/models");

    /** Statuses whose generic cause a controller's own description already covers. */
    private static final Set<String> SUBSUMED = Set.of("400", "404", "413");

    @Bean
    OpenApiCustomizer bearerKeys() {
        return OpenApiSecurity::customise;
    }

    static void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        openApi.getComponents()
                .addSecuritySchemes(
                        SCHEME,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .description("An API key (ty_…): `Authorization: Bearer <key>`. An admin finds "
                                        + "the first one in <data-dir>/admin.key and creates more with POST /keys."));
        ResolvedSchema problem =
                ModelConverters.getInstance(true).readAllAsResolvedSchema(new AnnotatedType(ProblemBody.class));
        problem.referencedSchemas.forEach(openApi.getComponents()::addSchemas);
        openApi.setSecurity(List.of(new SecurityRequirement().addList(SCHEME)));
        openApi.setServers(List.of(new Server().url("/").description("The instance that serves this document")));
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths()
                .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    if (operation.getResponses() == null) {
                        operation.setResponses(new ApiResponses());
                    }
                    answers(path, method, operation);
                    operation.getResponses().values().forEach(OpenApiSecurity::problemSchema);
                }));
    }

    private static void answers(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses();
        boolean adminOnly = path.startsWith("/keys") && !path.equals("/keys/me");
        boolean stores = method == PathItem.HttpMethod.POST && STORES.contains(path);
        boolean hasBody = operation.getRequestBody() != null;
        boolean hasQuery = operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()));
        boolean hasId = path.contains("{");

        add(responses, "401", "No key, or an unknown or revoked one")
                .addHeaderObject(
                        "WWW-Authenticate",
                        new Header().description("Always `Bearer`").schema(new StringSchema().example("Bearer")));
        if (adminOnly) {
            add(responses, "403", "Not an admin key");
        }
        if (stores || (method == PathItem.HttpMethod.PUT && path.equals("/aliases/{name}"))) {
            add(
                    responses,
                    "403",
                    "The owner's stored bytes (data sets, models, aliases, histories), with what its storing requests "
                            + "in progress on this instance may add, reached trainyard.quota.max-stored-bytes "
                            + "(type …/quota-exceeded, with `usage` and `quota`)");
        }
        // A PUT names the resource it creates, so only the others can miss theirs; an id this key may not see
        // answers exactly like an unknown one.
        if (hasId && method != PathItem.HttpMethod.PUT) {
            add(responses, "404", "Nothing with that id, or nothing this key may see");
        }
        // Every operation can answer 400, not only those with a body or query parameters: `format` is read
        // on every endpoint (a value it does not know, or several values, is refused: FormatParameterStrategy,
        // QueryParameterCheck), and a change refuses a query parameter it does not take.
        add(
                responses,
                "400",
                hasBody || hasQuery
                        ? "Invalid input; `errors` lists every field or query parameter to fix"
                        : "A bad query: `format` with a value this operation does not know or given twice"
                                + (method == PathItem.HttpMethod.GET ? "" : ", or a query parameter it does not take")
                                + "; `errors` names it");
        // What a 201 created, and what a submission's 202 queued, is named by Location; a cancel's 202 (on
        // an id) answers with the job or sweep itself and no Location.
        responses.forEach((status, response) -> {
            if (status.equals("201") || (status.equals("202") && !hasId)) {
                response.addHeaderObject(
                        "Location",
                        new Header()
                                .description("The path of what was created: " + path + "/{id}")
                                .required(true)
                                .schema(new StringSchema()
                                        .format("uri-reference")
                                        .example(path + "/3f1c2b7e-5a8d-4c1e-9b0a-6d2e4f8a1c35")));
            }
        });
        // Content negotiation: an Accept that none of the answer's media types satisfies (a model as
        // image/png, an event stream as JSON) is refused before any work.
        boolean answersWithBody = responses.entrySet().stream()
                .anyMatch(answer -> answer.getKey().startsWith("2")
                        && answer.getValue().getContent() != null
                        && !answer.getValue().getContent().isEmpty());
        if (answersWithBody) {
            add(
                    responses,
                    "406",
                    "The Accept header accepts no media type this operation answers in (see its 2xx answers): it names "
                            + "none of them, or refuses each with q=0 (a more specific range wins: */*, "
                            + "application/json;q=0 refuses JSON)");
        }
        if (hasBody) {
            add(responses, "413", "The body is larger than trainyard.limits.max-request-size");
            add(responses, "415", "The Content-Type is not one this operation reads (see the request body)");
            add(responses, "415", "The body has a Content-Encoding (gzip, deflate, br): send it uncompressed");
            add(
                    responses,
                    "408",
                    "The body arrived slower than trainyard.limits.min-request-rate once "
                            + "min-request-rate-grace had passed, or stopped arriving for "
                            + "server.tomcat.connection-timeout; the connection is closed");
        }
        if (stores) {
            operation.addParametersItem(new HeaderParameter()
                    .name("Idempotency-Key")
                    .description("Makes a retry safe: the same owner, key and body within 24 h get the first "
                            + "response again and nothing is created twice (1 to 255 printable ASCII characters, "
                            + "one header)")
                    .required(false)
                    .schema(new StringSchema().minLength(1).maxLength(255).pattern("^[\\x20-\\x7E]+$"))
                    .example("3f1c2b7e-5a8d-4c1e-9b0a-6d2e4f8a1c35"));
            add(responses, "409", "A request with this Idempotency-Key is still being handled");
            add(responses, "422", "This Idempotency-Key was used with a different body");
        }
        if (stores && path.equals("/jobs")) {
            add(responses, "429", "The owner already has trainyard.quota.max-active-jobs queued or running jobs");
        }
        if (stores && path.equals("/sweeps")) {
            add(
                    responses,
                    "429",
                    "The owner's queued and running jobs plus the sweep's members would exceed "
                            + "trainyard.quota.max-active-jobs");
        }
        add(
                        responses,
                        "429",
                        "Too many requests from this key's owner to this instance (trainyard.quota.requests-per-second"
                                + " and burst; each instance counts them on its own)")
                .addHeaderObject("Retry-After", retryAfter());
        add(
                responses,
                "429",
                "The owner has trainyard.quota.max-concurrent-requests requests being handled by this instance "
                        + "already (each instance counts its own; admin keys are exempt)");
        // The key is looked up in the database before any handler runs, so every operation can meet an outage.
        add(responses, "503", "The database cannot be reached at the moment; retry after Retry-After seconds")
                .addHeaderObject("Retry-After", retryAfter());
        if (hasBody) {
            add(
                            responses,
                            "429",
                            "The owner's bodies over trainyard.limits.large-request-size already hold its share of "
                                    + "the instance's concurrent-large-requests permits (half of them, at least one; "
                                    + "admin keys are exempt) and none ended within trainyard.limits.large-request-wait")
                    .addHeaderObject("Retry-After", retryAfter());
            add(
                            responses,
                            "429",
                            "The owner's bodies over 64 KB already hold its share of the instance's "
                                    + "trainyard.limits.concurrent-body-bytes (half of it; admin keys are exempt) and "
                                    + "not enough ended within trainyard.limits.large-request-wait")
                    .addHeaderObject("Retry-After", retryAfter());
            add(
                    responses,
                    "503",
                    "A body over trainyard.limits.large-request-size waited longer than "
                            + "trainyard.limits.large-request-wait for one of the instance's "
                            + "concurrent-large-requests permits");
            add(
                    responses,
                    "503",
                    "A body over 64 KB waited longer than trainyard.limits.large-request-wait for room in "
                            + "trainyard.limits.concurrent-body-bytes");
        }
        if (stores) {
            add(
                    responses,
                    "503",
                    "The disk that holds the embedded database has less than trainyard.limits.min-free-disk free "
                            + "(type …/insufficient-storage, with `freeBytes` and `minFreeBytes`): nothing was stored");
        }
    }

    private static Header retryAfter() {
        return new Header()
                .description("Seconds to wait before trying again")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE).example(1));
    }

    /**
     * Adds a problem+json answer. When the controller documents that status already, its description
     * stays: for 400, 404 and 413 it is the more precise one; for the others (e.g. 409 for a job that
     * finished first) this is a further cause, appended.
     */
    private static ApiResponse add(ApiResponses responses, String status, String description) {
        ApiResponse response = responses.get(status);
        if (response == null) {
            response = new ApiResponse().description(description);
            responses.addApiResponse(status, response);
        } else if (!SUBSUMED.contains(status) && !response.getDescription().contains(description)) {
            response.setDescription(response.getDescription() + "; or: " + description);
        }
        if (response.getContent() == null) {
            response.setContent(new Content());
        }
        if (response.getContent().get(PROBLEM) == null) {
            response.getContent().addMediaType(PROBLEM, new MediaType());
        }
        return response;
    }

    /** Every problem+json body has the one shape {@code ApiExceptionHandler} writes. */
    private static void problemSchema(ApiResponse response) {
        if (response.getContent() == null) {
            return;
        }
        MediaType problem = response.getContent().get(PROBLEM);
        if (problem != null && problem.getSchema() == null) {
            problem.setSchema(new Schema<>().$ref(PROBLEM_REF));
        }
    }

    /**
     * The body {@code ApiExceptionHandler} writes for every 4xx and 5xx (a {@code ProblemDetail}), as a
     * schema only: it is resolved like a controller's types, so its example is written as JSON.
     */
    @io.swagger.v3.oas.annotations.media.Schema(
            name = "Problem",
            description = "An RFC 9457 problem: every 4xx and 5xx answer",
            example = """
                    {"type": "https://trainyard.io/problems/invalid-request", "title": "Invalid request",
                     "status": 400, "detail": "The job spec is invalid.", "instance": "/jobs",
                     "errors": [{"field": "alpha", "message": "must be greater than 0"}]}""")
    record ProblemBody(
            @io.swagger.v3.oas.annotations.media.Schema(
                    requiredMode = REQUIRED,
                    format = "uri",
                    description = "Stable per kind of problem, e.g. https://trainyard.io/problems/not-found")
            String type,

            @io.swagger.v3.oas.annotations.media.Schema(requiredMode = REQUIRED, description = "Fixed per type")
            String title,

            @io.swagger.v3.oas.annotations.media.Schema(requiredMode = REQUIRED, description = "The HTTP status")
            int status,

            @io.swagger.v3.oas.annotations.media.Schema(description = "What happened and what to do about it")
            String detail,

            @io.swagger.v3.oas.annotations.media.Schema(description = "The request path")
            String instance,

            @io.swagger.v3.oas.annotations.media.ArraySchema(
                    maxItems = 20,
                    arraySchema =
                            @io.swagger.v3.oas.annotations.media.Schema(
                                    description = "Invalid input: at most 20 fields to fix"))
            List<FieldError> errors,

            @io.swagger.v3.oas.annotations.media.Schema(
                    description = "How many more fields there were beyond the 20 listed")
            Integer moreErrors,

            @io.swagger.v3.oas.annotations.media.Schema(description = "quota-exceeded: the owner's stored bytes")
            Long usage,

            @io.swagger.v3.oas.annotations.media.Schema(description = "quota-exceeded: the most it may store")
            Long quota) {}
}
