package io.trainyard.job;

import io.trainyard.system.NotFoundException;

/** No job has this id. */
public class JobNotFoundException extends NotFoundException {

    public JobNotFoundException(String id) {
        super("job", id);
    }
}
