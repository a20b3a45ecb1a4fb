package io.trainyard.dataset;

import io.trainyard.system.ConflictException;

/** A data set that cannot be deleted now (409): jobs still train on it, or it is built in. */
public class DatasetInUseException extends ConflictException {

    public DatasetInUseException(String message) {
        super(message);
    }
}
