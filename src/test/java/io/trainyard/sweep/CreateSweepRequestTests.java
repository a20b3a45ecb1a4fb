package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.swagger.v3.oas.annotations.media.Schema;

/** The OpenAPI text of a sweep request, held to what the service accepts. */
class CreateSweepRequestTests {

    @Test
    void theGridsDescriptionNamesEveryKeyAGridMayVary() throws NoSuchFieldException {
        // An annotation takes only a constant, so the list is written out: this keeps it whole when a key is added.
        String description = CreateSweepRequest.class
                .getDeclaredField("grid")
                .getAnnotation(Schema.class)
                .description();

        assertThat(Grid.KEYS.keySet())
                .hasSize(13)
                .allSatisfy(key -> assertThat(description).containsPattern("\\b" + key + "\\b"));
    }
}
