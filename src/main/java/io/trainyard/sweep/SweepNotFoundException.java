package io.trainyard.sweep;

import io.trainyard.system.NotFoundException;

/** No sweep has this id. */
class SweepNotFoundException extends NotFoundException {

    SweepNotFoundException(String id) {
        super("sweep", id);
    }
}
