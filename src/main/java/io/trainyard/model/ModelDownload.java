package io.trainyard.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The answer of GET /models/{id} before content negotiation: Jackson writes it as its
 * {@link ModelDocument}, {@link OnnxMessageConverter} as an ONNX graph.
 */
record ModelDownload(StoredModel stored) {

    @JsonValue
    ModelDocument document() {
        return ModelDocument.from(stored);
    }
}
