package io.trainyard.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.handler.MappedInterceptor;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * How a response's representation is chosen: the {@code format} parameter when given, else the
 * {@code Accept} header with its {@code q=0} refusals ({@link AcceptHeaderStrategy}). Endpoints declare
 * what they can produce ({@code produces}); Spring picks, and answers 406 when nothing is acceptable.
 */
@Configuration(proxyBeanMethods = false)
class ContentNegotiationConfiguration implements WebMvcConfigurer {

    private final ObjectProvider<RequestMappingInfoHandlerMapping> mappings;
    private final ObjectProvider<RequestMappingHandlerAdapter> adapters;
    /** Every concrete type the service produces; found once, on the first Accept with a refusal or unknown format. */
    private volatile Set<MediaType> producible;
    /** Negotiates by {@code format}, and refuses a format unknown to the service once its endpoint is known. */
    private final FormatParameterStrategy format;

    ContentNegotiationConfiguration(
            ObjectProvider<RequestMappingInfoHandlerMapping> mappings,
            ObjectProvider<RequestMappingHandlerAdapter> adapters) {
        // Providers: the handler mappings are built with the content negotiation configured here.
        this.mappings = mappings;
        this.adapters = adapters;
        this.format = new FormatParameterStrategy(
                Map.of(
                        "json",
                        MediaType.APPLICATION_JSON,
                        "csv",
                        TEXT_CSV,
                        "png",
                        MediaType.IMAGE_PNG,
                        "svg",
                        IMAGE_SVG,
                        "onnx",
                        APPLICATION_ONNX),
                this::producible);
    }

    static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");
    static final MediaType IMAGE_SVG = MediaType.parseMediaType("image/svg+xml");
    static final MediaType APPLICATION_ONNX = MediaType.parseMediaType("application/onnx");

    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        configurer.strategies(List.of(format, new AcceptHeaderStrategy(this::producible)));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Right after QueryParameterCheck, before the quota and full-queue checks: a wrong request is 400.
        registry.addInterceptor(format).order(Ordered.HIGHEST_PRECEDENCE + 1);
    }

    /**
     * The same refusal for the actuator's endpoints, which are mapped by the actuator's own handler
     * mapping: it takes no interceptor from the registry above, so {@code /actuator/info?format=xml}
     * was a 200 in JSON. Handler mappings do pick up {@code MappedInterceptor} beans; this one is
     * limited to the actuator's paths, which the service's own mapping has no endpoint under. The
     * formats the actuator's endpoints produce (json; none for the metrics' text) are negotiated as
     * everywhere else.
     */
    @Bean
    MappedInterceptor formatOnActuatorEndpoints() {
        return new MappedInterceptor(new String[] {"/actuator", "/actuator/**"}, format);
    }

    /**
     * What any endpoint declares it produces, and what the message converters write for those that
     * declare nothing: the types a range such as {@code *}{@code /*} stands for once a {@code q=0}
     * refusal narrows it.
     */
    private Set<MediaType> producible() {
        Set<MediaType> types = producible;
        if (types == null) {
            Set<MediaType> found = new LinkedHashSet<>();
            mappings.forEach(mapping -> mapping.getHandlerMethods()
                    .keySet()
                    .forEach(info -> info.getProducesCondition()
                            .getProducibleMediaTypes()
                            .forEach(type -> addConcrete(found, type))));
            adapters.forEach(adapter -> adapter.getMessageConverters()
                    .forEach(
                            converter -> converter.getSupportedMediaTypes().forEach(type -> addConcrete(found, type))));
            // In a fixed order, JSON first and then text (a client that refuses JSON to a history gets CSV
            // rather than a picture): among types a range accepts equally, the first listed is chosen.
            List<MediaType> ordered = new ArrayList<>(found);
            ordered.sort(Comparator.comparingInt(ContentNegotiationConfiguration::preference)
                    .thenComparing(MediaType::toString));
            types = Collections.unmodifiableSet(new LinkedHashSet<>(ordered));
            producible = types;
        }
        return types;
    }

    private static int preference(MediaType type) {
        if (type.equals(MediaType.APPLICATION_JSON)) {
            return 0;
        }
        return "text".equals(type.getType()) ? 1 : 2;
    }

    private static void addConcrete(Set<MediaType> types, MediaType type) {
        if (type.isConcrete()) {
            types.add(new MediaType(type.getType(), type.getSubtype()));
        }
    }
}
