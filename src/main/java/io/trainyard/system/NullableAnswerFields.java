package io.trainyard.system;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springdoc.core.customizers.OpenApiCustomizer;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;

/**
 * Declares the fields of answers that may be null as such. Answers write every field, null
 * included ({@code "validationLoss": null} for a job without validation rows, {@code "nextCursor":
 * null} on a list's last page, a sweep's {@code best} before a member succeeded), but the generator
 * gave each the plain type of its Java field, and a strict client generated from the document
 * refused those answers. In OpenAPI 3.1 (JSON Schema 2020-12) a nullable field has {@code "null"}
 * among its types, or, when it refers to a component, is {@code anyOf} that reference and null.
 *
 * <p>Every property of a schema that an answer uses, and that the schema does not list as required,
 * may be null; the rule covers the schemas reachable from a response (a field of a request stays as
 * declared). {@code OpenApiContractTests} checks real answers against the document.
 */
final class NullableAnswerFields implements OpenApiCustomizer {

    private static final String COMPONENTS = "#/components/schemas/";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null || openApi.getComponents() == null) {
            return;
        }
        Map<String, Schema> components = openApi.getComponents().getSchemas() == null
                ? Map.of()
                : openApi.getComponents().getSchemas();
        Deque<Schema<?>> pending = new ArrayDeque<>();
        for (PathItem path : openApi.getPaths().values()) {
            for (Operation operation : path.readOperations()) {
                if (operation.getResponses() == null) {
                    continue;
                }
                operation.getResponses().values().stream()
                        .filter(answer -> answer.getContent() != null)
                        .flatMap(answer -> answer.getContent().values().stream())
                        .filter(media -> media.getSchema() != null)
                        .forEach(media -> pending.add(media.getSchema()));
            }
        }
        Set<Schema<?>> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<String> names = new HashSet<>();
        while (!pending.isEmpty()) {
            Schema<?> schema = pending.pop();
            if (!seen.add(schema)) {
                continue;
            }
            if (schema.get$ref() != null && schema.get$ref().startsWith(COMPONENTS)) {
                String name = schema.get$ref().substring(COMPONENTS.length());
                Schema<?> component = components.get(name);
                if (component != null && names.add(name)) {
                    pending.add(component);
                }
                continue;
            }
            if (schema.getProperties() != null) {
                List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
                for (Map.Entry<String, Schema> property : schema.getProperties().entrySet()) {
                    pending.add(property.getValue()); // its own fields first, as declared
                    if (!required.contains(property.getKey())) {
                        property.setValue(nullable(property.getValue()));
                    }
                }
            }
            if (schema.getItems() != null) {
                pending.add(schema.getItems());
            }
            if (schema.getAdditionalProperties() instanceof Schema<?> values) {
                pending.add(values);
            }
            for (List<Schema> parts :
                    java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
                if (parts != null) {
                    parts.forEach(pending::add);
                }
            }
        }
    }

    /** The same schema, with null allowed. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema nullable(Schema schema) {
        if (schema.get$ref() != null) {
            // A reference's siblings are combined with it (AND): null must be an alternative instead.
            Schema either = new Schema<>();
            either.setDescription(schema.getDescription());
            either.setAnyOf(List.of(new Schema<>().$ref(schema.get$ref()), nullSchema()));
            schema.setDescription(null);
            return either;
        }
        Set<String> types = schema.getTypes() != null
                ? new LinkedHashSet<>(schema.getTypes())
                : schema.getType() != null ? new LinkedHashSet<>(List.of(schema.getType())) : null;
        if (types == null) {
            if (schema.getAnyOf() != null || schema.getOneOf() != null) {
                List<Schema> alternatives =
                        new java.util.ArrayList<>(schema.getAnyOf() != null ? schema.getAnyOf() : schema.getOneOf());
                if (alternatives.stream().noneMatch(NullableAnswerFields::isNull)) {
                    alternatives.add(nullSchema());
                }
                if (schema.getAnyOf() != null) {
                    schema.setAnyOf(alternatives);
                } else {
                    schema.setOneOf(alternatives);
                }
            }
            return schema; // no type: any value, null included
        }
        types.add("null");
        schema.setTypes(types);
        if (schema.getEnum() != null && !schema.getEnum().contains(null)) {
            // an enum lists every allowed value: null is one now (a running attempt has no outcome yet)
            List<Object> values = new java.util.ArrayList<>(schema.getEnum());
            values.add(null);
            schema.setEnum(values);
        }
        return schema;
    }

    private static Schema<?> nullSchema() {
        return new Schema<>().types(new LinkedHashSet<>(List.of("null")));
    }

    private static boolean isNull(Schema<?> schema) {
        return schema.getTypes() != null && schema.getTypes().equals(Set.of("null"));
    }
}
