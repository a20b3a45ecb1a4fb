package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Uploads and sweeps on the embedded default store: an H2 file database in a fresh data directory. */
class H2DataAndSweepIntegrationTests extends DataAndSweepContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-h2-sweeps").toString());
    }
}
