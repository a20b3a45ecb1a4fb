package io.trainyard.model;

import java.util.List;

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
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.trainyard.system.OpenApiExamples;

/**
 * Predicting is one operation in two media types: JSON and a streamed CSV, handled by two methods
 * on the same path. springdoc merges the two into one operation and keeps the CSV method's
 * annotations where they meet, so the JSON request example and the JSON answer (its 200 and the
 * {@code PredictionResponse} schema) never reached the document from the JSON method's own
 * annotations. They are written here instead; checked by {@code OpenApiContractTests}.
 */
@Configuration(proxyBeanMethods = false)
class PredictionsOpenApi {

    private static final List<String> PATHS = List.of("/models/{id}/predictions", "/aliases/{name}/predictions");

    private static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;

    @Bean
    OpenApiCustomizer predictionsInBothMediaTypes() {
        return PredictionsOpenApi::customise;
    }

    static void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        ResolvedSchema answer = ModelConverters.getInstance(true)
                .readAllAsResolvedSchema(new AnnotatedType(Predictions.PredictionResponse.class));
        answer.referencedSchemas.forEach(openApi.getComponents()::addSchemas);
        Object example = OpenApiExamples.parse(Predictions.JSON_EXAMPLE, "prediction");
        for (String path : PATHS) {
            PathItem item = openApi.getPaths().get(path);
            Operation post = item == null ? null : item.getPost();
            if (post == null) {
                continue;
            }
            if (post.getRequestBody() != null && post.getRequestBody().getContent() != null) {
                MediaType body = post.getRequestBody().getContent().get(JSON);
                if (body != null) {
                    body.addExamples(
                            Predictions.EXAMPLE_NAME,
                            new Example().summary(Predictions.EXAMPLE_NAME).value(example));
                }
            }
            ApiResponse ok =
                    post.getResponses() == null ? null : post.getResponses().get("200");
            if (ok != null) {
                if (ok.getContent() == null) {
                    ok.setContent(new Content());
                }
                ok.getContent()
                        .putIfAbsent(
                                JSON,
                                new MediaType()
                                        .schema(new Schema<>()
                                                .$ref("#/components/schemas/" + answer.schema.getName())));
                ok.setDescription("The outputs `y`, one row per sample (JSON); or, for a CSV body, the input "
                        + "columns and one column per output (CSV)");
            }
        }
    }
}
