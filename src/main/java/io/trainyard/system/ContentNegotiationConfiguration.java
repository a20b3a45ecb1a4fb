package io.trainyard.system;

import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How a response's representation is chosen: the {@code format} parameter when given, else the
 * {@code Accept} header. Endpoints declare what they can produce ({@code produces}); Spring picks.
 */
@Configuration(proxyBeanMethods = false)
class ContentNegotiationConfiguration implements WebMvcConfigurer {

    static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");
    static final MediaType IMAGE_SVG = MediaType.parseMediaType("image/svg+xml");
    static final MediaType APPLICATION_ONNX = MediaType.parseMediaType("application/onnx");

    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        configurer.strategies(List.of(
                new FormatParameterStrategy(Map.of(
                        "json",
                        MediaType.APPLICATION_JSON,
                        "csv",
                        TEXT_CSV,
                        "png",
                        MediaType.IMAGE_PNG,
                        "svg",
                        IMAGE_SVG,
                        "onnx",
                        APPLICATION_ONNX)),
                new HeaderContentNegotiationStrategy()));
    }
}
