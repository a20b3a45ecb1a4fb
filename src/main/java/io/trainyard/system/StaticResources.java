package io.trainyard.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The files the service serves as they are: the dashboard ({@code static/index.html} and
 * {@code static/dashboard/}) and web jars (uPlot, by version-free paths). Boot's default mapping ({@code spring.web.resources.add-mappings},
 * off in application.yml) served {@code /**} from four class-path folders: every request for a path no
 * endpoint has was looked up in each of them inside the packaged jar, which made such a 404 about seven
 * times the CPU of a job's status read (docs/benchmarks.md); a client could keep the cores busy with
 * made-up paths. Unknown paths now end in the advice's 404 problem at once. Swagger UI registers its
 * own files ({@code /swagger-ui/**}).
 */
@Configuration
class StaticResources implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        // Found files are cached, as Boot's own mapping did; web jars are asked for without their version.
        registry.addResourceHandler("/index.html")
                .addResourceLocations("classpath:/static/")
                .resourceChain(true);
        registry.addResourceHandler("/dashboard/**")
                .addResourceLocations("classpath:/static/dashboard/")
                .resourceChain(true);
        registry.addResourceHandler("/webjars/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true)
                .addResolver(new LiteWebJarsResourceResolver());
    }
}
