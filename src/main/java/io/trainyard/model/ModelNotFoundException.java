package io.trainyard.model;

import io.trainyard.system.NotFoundException;

/** No model has this id. */
public class ModelNotFoundException extends NotFoundException {

    public ModelNotFoundException(String id) {
        super("model", id);
    }
}
