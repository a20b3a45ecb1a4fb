package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.trainyard.system.InvalidRequestException;

import tools.jackson.databind.json.JsonMapper;

/** What an imported model must be before it is stored: hostile files are 400s naming the field. */
class ModelDocumentTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final int MAX_HIDDEN_LAYERS = 32;

    private static ModelDocument document(Map<String, Object> body) {
        return JSON.readValue(JSON.writeValueAsString(body), ModelDocument.class);
    }

    /** A chain of width-1 identity layers: few parameters, as many layers as asked. */
    private static Map<String, Object> deep(int hiddenLayers) {
        Map<String, Object> weights = new LinkedHashMap<>();
        for (int l = 0; l <= hiddenLayers; l++) {
            weights.put("W" + l, new double[][] {{1.0}});
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("layerSizes", Collections.nCopies(hiddenLayers + 2, 1));
        body.put("activation", "tanh");
        body.put("bias", false);
        body.put("weights", weights);
        return body;
    }

    private static Map<String, Object> linear() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("layerSizes", List.of(2, 1));
        body.put("activation", "none");
        body.put("weights", Map.of("W0", new double[][] {{2.0}, {-1.0}}));
        return body;
    }

    @Test
    void aModelDeeperThanAnyJobMayTrainIsRefusedBeforeAnythingIsStored() {
        assertThat(document(deep(MAX_HIDDEN_LAYERS))
                        .toModel(MAX_HIDDEN_LAYERS, 5_000_000, 1024)
                        .layerSizes())
                .hasSize(MAX_HIDDEN_LAYERS + 2);

        // 20,000 layers of one unit are only 20,000 parameters, but no job could have trained them
        assertThatThrownBy(() -> document(deep(20_000)).toModel(MAX_HIDDEN_LAYERS, 5_000_000, 1024))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("layerSizes")
                .hasMessageContaining("20000 hidden layers")
                .hasMessageContaining("trainyard.limits.max-hidden-layers");
    }

    @Test
    void lossesAreFiniteSumsOfSquaresOrAbsent() {
        for (Object loss : List.of("NaN", "Infinity", "-Infinity", -1.0)) {
            for (String field : List.of("trainLoss", "testLoss")) {
                Map<String, Object> body = linear();
                body.put(field, loss);
                assertThatThrownBy(() -> document(body).toModel(MAX_HIDDEN_LAYERS, 5_000_000, 1024))
                        .as(field + " " + loss)
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining(field);
            }
        }
        Map<String, Object> body = linear();
        body.put("trainLoss", 0.0);
        body.put("testLoss", 12.5);
        assertThat(document(body).toModel(MAX_HIDDEN_LAYERS, 5_000_000, 1024).inputWidth())
                .isEqualTo(2);
    }

    @Test
    void aMissingActivationIsRequiredNotAnUnknownEmptyName() {
        Map<String, Object> body = linear();
        body.remove("activation");
        assertThatThrownBy(() -> document(body).toModel(MAX_HIDDEN_LAYERS, 5_000_000, 1024))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors())
                                .extracting(
                                        io.trainyard.system.FieldError::field, io.trainyard.system.FieldError::message)
                                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                                        "activation", "is required: one of [sigmoid, relu, tanh, none]")));
    }
}
