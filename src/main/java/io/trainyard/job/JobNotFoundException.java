package io.trainyard.job;

import io.trainyard.system.NotFoundException;

/** No job has this id. */
class JobNotFoundException extends NotFoundException {

    JobNotFoundException(String id) {
        super("job", id);
    }
}
