package io.trainyard;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Lineage, ONNX, aliases and CSV predictions on the embedded default store: H2 in a fresh data directory. */
class H2ModelsIntegrationTests extends ModelsContract {

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-h2-models").toString());
    }
}
