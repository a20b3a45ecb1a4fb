package io.trainyard.support;

import java.io.IOException;

import org.springframework.test.context.DynamicPropertyRegistry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Embedded PostgreSQL servers for the test classes that run the service on PostgreSQL. */
public final class EmbeddedPostgresServers {

    private EmbeddedPostgresServers() {}

    /**
     * A new server with real binaries fetched by Maven, closed when the JVM exits (after the cached
     * Spring contexts that use it).
     */
    public static EmbeddedPostgres start() {
        return start(EmbeddedPostgres.builder());
    }

    /** A server started from {@code builder} (a data directory, a port), closed when the JVM exits. */
    public static EmbeddedPostgres start(EmbeddedPostgres.Builder builder) {
        try {
            EmbeddedPostgres postgres = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting anyway
                }
            }));
            return postgres;
        } catch (IOException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL", e);
        }
    }

    /** Points the service's data source at {@code postgres}'s default database. */
    public static void use(DynamicPropertyRegistry registry, EmbeddedPostgres postgres) {
        registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
