package io.trainyard.system;

import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.tags.Tag;

/** The OpenAPI document's front page (served at /v3/api-docs, shown by Swagger UI at /swagger-ui.html). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static {
        // A JsonNode field holds any JSON value (a grid's values, a target column or rows); left alone, the
        // generator describes Jackson's Java getters (isArray, isObject, …) and no real value fits that.
        SpringDocUtils.getConfig().replaceWithSchema(tools.jackson.databind.JsonNode.class, anyJson());
        // An event stream is text (`event:`/`data:` lines), not the emitter object that produces it.
        SpringDocUtils.getConfig()
                .replaceWithSchema(
                        org.springframework.web.servlet.mvc.method.annotation.SseEmitter.class,
                        new Schema<String>().type("string"));
    }

    private static Schema<Object> anyJson() {
        // No type keyword would mean "anything", but the generator then writes `type: object`; list them all.
        return new Schema<>()
                .types(new java.util.LinkedHashSet<>(
                        java.util.List.of("object", "array", "string", "number", "boolean", "null")))
                .description("Any JSON value");
    }

    /** Answers' fields that may be null say so (see {@link NullableAnswerFields}). */
    @Bean
    org.springdoc.core.customizers.OpenApiCustomizer nullableAnswerFields() {
        return new NullableAnswerFields();
    }

    @Bean
    OpenAPI trainyardApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Trainyard")
                        .version("v1")
                        .description("""
                        Trains small fully-connected neural networks (multilayer perceptrons) as queued jobs:
                        gradient descent on the sum of squared errors (full batch by default; momentum, Adam,
                        mini-batches and early stopping on request).

                        1. `POST /jobs` with a spec (data set, hidden layers, activation, alpha, iterations, …) → 202.
                        2. Watch `GET /jobs/{id}` (progress, ETA, latest losses) or read `GET /jobs/{id}/losses`.
                        3. Use the trained model: `POST /models/{modelId}/predictions`.

                        Every error is `application/problem+json` (RFC 9457) with a `detail` that says what to fix and,
                        for invalid input, an `errors` array of `{field, message}`.""")
                        .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
                // The order a newcomer needs them in: train, then use the model, then bring data, then tune.
                .addTagsItem(new Tag().name("Jobs").description("Train a network as a queued job and watch it"))
                .addTagsItem(
                        new Tag().name("Models").description("Trained networks with their preprocessing and lineage"))
                .addTagsItem(new Tag()
                        .name("Aliases")
                        .description("Stable names pointing at models, with every change kept"))
                .addTagsItem(new Tag().name("Datasets").description("Built-in and uploaded training data"))
                .addTagsItem(new Tag()
                        .name("Sweeps")
                        .description("Train every combination of hyperparameters and rank the jobs"))
                .addTagsItem(new Tag().name("Keys").description("API keys, owners and roles"));
    }
}
