package io.trainyard.model;

import java.util.List;

import io.trainyard.system.ConflictException;

/** A model an alias points to cannot be deleted (409). */
class ModelInUseException extends ConflictException {

    ModelInUseException(String id, List<String> aliases) {
        super("Model " + id + " is what "
                + (aliases.size() == 1 ? "alias '" + aliases.get(0) + "' points" : "aliases " + aliases + " point")
                + " to; point "
                + (aliases.size() == 1 ? "it" : "them") + " at another model (PUT /aliases/{name}) or delete "
                + (aliases.size() == 1 ? "it" : "them") + " first.");
    }
}
