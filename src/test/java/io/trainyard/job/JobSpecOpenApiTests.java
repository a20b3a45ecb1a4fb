package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.trainyard.system.TrainyardProperties;

/**
 * The job request's documented bounds follow the configured limits, and so do the examples beside
 * them: with {@code max-iterations=100} the document declared {@code "maximum": 100} beside
 * {@code "example": 1000}, an example its own schema refuses (README walk-through).
 */
class JobSpecOpenApiTests {

    @Test
    void anExampleBeyondAConfiguredLimitIsTheLimit() {
        TrainyardProperties.Limits limits = new Binder(
                        new MapConfigurationPropertySource(Map.of("trainyard.limits.max-iterations", "100")))
                .bindOrCreate("trainyard", TrainyardProperties.class)
                .limits();
        Schema<?> iterations = new IntegerSchema().example(1000);
        Schema<?> basisDegree = new IntegerSchema().example(2);
        OpenAPI openApi = new OpenAPI()
                .components(new Components()
                        .addSchemas(
                                "CreateJobRequest",
                                new ObjectSchema()
                                        .addProperty("iterations", iterations)
                                        .addProperty("basisDegree", basisDegree)));

        JobSpecOpenApi.customise(openApi, new JobSpecRanges(limits), limits);

        assertThat(iterations.getMaximum()).isEqualTo(BigDecimal.valueOf(100));
        assertThat(iterations.getExample()).hasToString("100");
        assertThat(basisDegree.getExample()).as("within its bounds: kept").hasToString("2");
    }
}
