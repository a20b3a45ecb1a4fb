package io.trainyard.system;

/** An id in the path that names nothing (404). Features subclass it with their own names. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String what, String id) {
        super("There is no " + what + " with id '" + id + "'.");
    }

    /** For what is found by a name, not an id (an alias): the sentence says so. */
    protected NotFoundException(String sentence) {
        super(sentence);
    }
}
