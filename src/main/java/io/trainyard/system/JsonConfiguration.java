package io.trainyard.system;

import java.util.List;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import io.trainyard.nn.Activation;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Strict JSON for job specs and uploads: a typo'd field, a string where a number belongs, a
 * fraction where a count belongs or a NaN is an error the user hears about, never a silently
 * different job; and bytes that are not UTF-8 are an error too, never decoded into other characters
 * ({@link Utf8CheckedInput}).
 */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return JsonConfiguration::strict;
    }

    /**
     * Boot's builder (every customizer applied, in their order, as Boot's own bean does), over a
     * factory that checks byte input as UTF-8: a customizer can change the mapper's features, but
     * not the factory it was built with, where the check has to sit.
     */
    @Bean
    @Scope("prototype")
    JsonMapper.Builder jsonMapperBuilder(List<JsonMapperBuilderCustomizer> customizers) {
        JsonMapper.Builder builder = JsonMapper.builder(utf8CheckedFactory());
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }

    /**
     * A mapper that reads as the service's does, for code that runs before the application context
     * exists (the start-up rehearsal of a submit's parsing, {@code training/DataPathRehearsal}).
     */
    public static JsonMapper strictMapper() {
        JsonMapper.Builder builder = JsonMapper.builder(utf8CheckedFactory());
        strict(builder);
        return builder.build();
    }

    private static JsonFactory utf8CheckedFactory() {
        return JsonFactory.builder().inputDecorator(new Utf8CheckedInput()).build();
    }

    private static void strict(JsonMapper.Builder builder) {
        builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                // {"alpha": 0.001, "alpha": 10}: which one was meant is the user's to say, not the parser's.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // {"name": 123} is not a name: numbers and booleans are not quietly turned into text.
                .withCoercionConfig(
                        LogicalType.Textual,
                        text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(engineTypes());
    }

    /** The engine's enums travel by their ids ("sigmoid"), as API.md spells them, not by Java names. */
    private static SimpleModule engineTypes() {
        SimpleModule module = new SimpleModule("trainyard-engine-types");
        module.addSerializer(Activation.class, new ValueSerializer<>() {
            @Override
            public void serialize(Activation value, JsonGenerator generator, SerializationContext context) {
                generator.writeString(value.id());
            }
        });
        module.addDeserializer(Activation.class, new ValueDeserializer<>() {
            @Override
            public Activation deserialize(JsonParser parser, DeserializationContext context) {
                return Activation.fromId(parser.getValueAsString());
            }
        });
        return module;
    }
}
