package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API contract on the embedded default store: an H2 file database in a fresh data directory. */
class H2ApiIntegrationTests extends ApiContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", () -> tempDataDir("trainyard-h2").toString());
    }
}
