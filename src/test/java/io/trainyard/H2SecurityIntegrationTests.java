package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Issue 11's contract on the embedded H2 store. */
class H2SecurityIntegrationTests extends SecurityContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-h2-security").toString());
    }
}
