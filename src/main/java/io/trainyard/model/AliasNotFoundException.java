package io.trainyard.model;

import io.trainyard.system.NotFoundException;

/** No alias has this name. */
class AliasNotFoundException extends NotFoundException {

    AliasNotFoundException(String name) {
        super("There is no alias named '" + name + "'.");
    }
}
