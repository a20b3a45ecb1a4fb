package io.trainyard.dataset;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.trainyard.system.OpenApiExamples;

/**
 * Uploading is one operation in two media types, CSV and JSON, handled by two methods on the same
 * path. springdoc merges them into one operation and keeps one method's summary and description, so
 * the document described a JSON-only upload beside the CSV-only query parameters, lost the JSON
 * example, and typed the CSV body as {@code format: byte} (base64). The merged operation is described
 * whole here; checked by {@code OpenApiContractTests}.
 */
@Configuration(proxyBeanMethods = false)
class DatasetsOpenApi {

    private static final String[] CSV_TYPES = {"text/csv", "application/csv"};

    @Bean
    OpenApiCustomizer datasetUploadInBothMediaTypes() {
        return DatasetsOpenApi::customise;
    }

    static void customise(OpenAPI openApi) {
        PathItem item = openApi.getPaths() == null ? null : openApi.getPaths().get("/datasets");
        Operation post = item == null ? null : item.getPost();
        if (post == null) {
            return;
        }
        post.setOperationId("uploadDataset");
        post.setSummary("Upload a data set (CSV or JSON)");
        post.setDescription("**CSV** (`Content-Type: text/csv`): " + DatasetController.CSV_UPLOAD
                + "\n\n`target` applies to CSV uploads only; `name`, `testFraction`, `validationFraction` and `seed`"
                + " to both (a JSON body may carry `name` instead, not both)."
                + "\n\n**JSON** (`Content-Type: application/json`): "
                + DatasetController.JSON_UPLOAD);
        if (post.getRequestBody() != null && post.getRequestBody().getContent() != null) {
            var content = post.getRequestBody().getContent();
            for (String type : CSV_TYPES) {
                MediaType csv = content.get(type);
                if (csv != null) {
                    csv.setSchema(new StringSchema()
                            .description("The file: a header row, then one row of numbers per sample"));
                }
            }
            MediaType json = content.get(org.springframework.http.MediaType.APPLICATION_JSON_VALUE);
            if (json != null
                    && (json.getExamples() == null || json.getExamples().isEmpty())) {
                json.addExamples(
                        DatasetController.JSON_EXAMPLE_NAME,
                        new Example()
                                .summary(DatasetController.JSON_EXAMPLE_NAME)
                                .value(OpenApiExamples.parse(DatasetController.JSON_EXAMPLE, "upload")));
            }
        }
        ApiResponse invalid =
                post.getResponses() == null ? null : post.getResponses().get("400");
        if (invalid != null) {
            invalid.setDescription("The file, the data or a parameter is invalid: `detail` names the line and "
                    + "column of a CSV file, `errors` every field to fix");
        }
    }
}
