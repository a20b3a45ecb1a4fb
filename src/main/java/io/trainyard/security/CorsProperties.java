package io.trainyard.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code trainyard.cors.allowed-origins}: browser origins other than the service's own that may call
 * the API. Empty by default: the dashboard is served from the same origin and needs no CORS.
 */
@ConfigurationProperties("trainyard.cors")
public record CorsProperties(@DefaultValue List<String> allowedOrigins) {}
