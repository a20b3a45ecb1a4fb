package io.trainyard.security;

import java.util.List;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

/**
 * The OpenAPI document as a contract clients generate from: a bearer scheme required everywhere
 * (every documented operation needs a key; the public paths are not in the document), the 401 and
 * 429 answers every operation can give, 403 on the admin-only ones, and a relative server URL.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiSecurity {

    static final String SCHEME = "bearerKey";

    @Bean
    OpenApiCustomizer bearerKeys() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents()
                    .addSecuritySchemes(
                            SCHEME,
                            new SecurityScheme()
                                    .type(SecurityScheme.Type.HTTP)
                                    .scheme("bearer")
                                    .description(
                                            "An API key (ty_…): `Authorization: Bearer <key>`. An admin finds "
                                                    + "the first one in <data-dir>/admin.key and creates more with POST /keys."));
            openApi.setSecurity(List.of(new SecurityRequirement().addList(SCHEME)));
            openApi.setServers(List.of(new Server().url("/")));
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperations().forEach(operation -> {
                        var responses = operation.getResponses();
                        responses.putIfAbsent("401", problem("No key, or an unknown or revoked one"));
                        responses.putIfAbsent(
                                "429", problem("Too many requests from this key's owner; retry after Retry-After"));
                        if (path.startsWith("/keys") && !path.equals("/keys/me")) {
                            responses.putIfAbsent("403", problem("Not an admin key"));
                        }
                    }));
        };
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType("application/problem+json", new MediaType()));
    }
}
