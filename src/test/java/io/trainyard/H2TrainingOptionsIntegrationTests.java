package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The training options on the embedded default store: an H2 file database in a fresh data directory. */
class H2TrainingOptionsIntegrationTests extends TrainingOptionsContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-options-h2").toString());
    }
}
