package io.trainyard.job;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.trainyard.nn.Activation;
import io.trainyard.system.Names;
import io.trainyard.system.TrainyardProperties;
import io.trainyard.system.WholeNumberRange;

/**
 * The bounds {@link JobSpecResolver} enforces, declared on the job request's schema ({@code
 * CreateJobRequest}, which a sweep's {@code base} refers to, and the {@code EarlyStopping} and {@code
 * Optimizer} it uses): a client generated from the document then refuses what the service would. The
 * limits among them are configuration ({@code trainyard.limits.*}), so they are read from
 * {@link JobSpecRanges} and the limits when the document is built, not written into annotations; the
 * contract's fixed bounds come from the same code the checks use. Checked by {@code OpenApiContractTests}.
 */
@Configuration(proxyBeanMethods = false)
class JobSpecOpenApi {

    @Bean
    OpenApiCustomizer jobSpecBounds(JobSpecRanges ranges, TrainyardProperties properties) {
        return openApi -> customise(openApi, ranges, properties.limits());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static void customise(OpenAPI openApi, JobSpecRanges ranges, TrainyardProperties.Limits limits) {
        Map<String, Schema> schemas =
                openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
        if (schemas == null) {
            return;
        }
        Map<String, Schema> request = properties(schemas.get("CreateJobRequest"));
        if (request != null) {
            with(request, "name", s -> s.setMaxLength(Names.MAX_LENGTH));
            with(request, "alpha", s -> s.setExclusiveMinimumValue(BigDecimal.ZERO));
            with(request, "scale", s -> s.setMinimum(BigDecimal.ZERO));
            with(request, "iterations", s -> bound(s, ranges.iterations()));
            with(request, "basisDegree", s -> bound(s, ranges.basisDegree()));
            with(request, "batchSize", s -> bound(s, ranges.batchSize()));
            with(request, "validationFraction", s -> {
                s.setMinimum(BigDecimal.ZERO);
                s.setExclusiveMaximumValue(BigDecimal.ONE);
            });
            with(request, "layers", s -> {
                s.setMaxItems(limits.maxHiddenLayers());
                if (s.getItems() != null) {
                    bound(s.getItems(), ranges.width());
                }
            });
            with(request, "activation", s -> s.setEnum(new ArrayList<>(Activation.ids())));
        }
        // Shared with the job's resolved spec in answers, whose values keep to the same bounds.
        Map<String, Schema> stopping = properties(schemas.get("EarlyStopping"));
        if (stopping != null) {
            with(stopping, "patience", s -> bound(s, ranges.patience()));
            with(stopping, "minDelta", s -> s.setMinimum(BigDecimal.ZERO));
        }
        Map<String, Schema> optimizer = properties(schemas.get("Optimizer"));
        if (optimizer != null) {
            for (String decay : List.of("beta", "beta1", "beta2")) {
                with(optimizer, decay, s -> {
                    s.setMinimum(BigDecimal.ZERO);
                    s.setExclusiveMaximumValue(BigDecimal.ONE);
                });
            }
            with(optimizer, "epsilon", s -> s.setExclusiveMinimumValue(BigDecimal.ZERO));
        }
    }

    @SuppressWarnings("rawtypes")
    private static Map<String, Schema> properties(Schema<?> schema) {
        return schema == null ? null : schema.getProperties();
    }

    @SuppressWarnings("rawtypes")
    private static void with(Map<String, Schema> properties, String name, java.util.function.Consumer<Schema> change) {
        Schema property = properties.get(name);
        if (property != null) {
            change.accept(property);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void bound(Schema schema, WholeNumberRange range) {
        if (range.min() != null) {
            schema.setMinimum(BigDecimal.valueOf(range.min()));
        }
        if (range.max() != null) {
            schema.setMaximum(BigDecimal.valueOf(range.max()));
        }
        // The annotation's example suits the default limits; an instance configured lower (say
        // max-iterations=100) declared "maximum": 100 beside "example": 1000.
        if (schema.getExample() != null) {
            try {
                long example = new BigDecimal(schema.getExample().toString()).longValueExact();
                long kept = Math.max(
                        range.min() == null ? example : range.min(),
                        Math.min(range.max() == null ? example : range.max(), example));
                if (kept != example) {
                    schema.setExample(kept);
                }
            } catch (NumberFormatException | ArithmeticException notAWholeNumber) {
                // an example that is no whole number is no bound's business
            }
        }
    }
}
