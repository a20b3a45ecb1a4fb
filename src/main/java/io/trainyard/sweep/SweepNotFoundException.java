package io.trainyard.sweep;

import io.trainyard.system.NotFoundException;

/** No sweep has this id. */
public class SweepNotFoundException extends NotFoundException {

    public SweepNotFoundException(String id) {
        super("sweep", id);
    }
}
