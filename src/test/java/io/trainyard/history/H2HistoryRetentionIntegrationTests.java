package io.trainyard.history;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** History retention and bounded reads on the embedded default store. */
class H2HistoryRetentionIntegrationTests extends HistoryRetentionContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> tempDataDir("trainyard-h2-retention").toString());
    }
}
