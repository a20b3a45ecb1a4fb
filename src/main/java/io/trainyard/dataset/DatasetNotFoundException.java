package io.trainyard.dataset;

import io.trainyard.system.NotFoundException;

/** No data set has this id. */
public class DatasetNotFoundException extends NotFoundException {

    public DatasetNotFoundException(String id) {
        super("data set", id);
    }
}
