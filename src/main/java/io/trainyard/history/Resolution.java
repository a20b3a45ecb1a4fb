package io.trainyard.history;

/**
 * What a job's stored history still holds. Every history read says which, so that a client can tell
 * a coarse curve from a full one.
 */
enum Resolution {
    /** Every point is stored; a downsampled read may still have been served from the coarse level. */
    FULL("full"),
    /**
     * Only the coarse level is left (at most 32 points per stored batch of up to 4,096): the full
     * batches were dropped by {@code trainyard.history.retention}.
     */
    COARSE("coarse");

    private final String id;

    Resolution(String id) {
        this.id = id;
    }

    /** As it appears in responses: {@code full} or {@code coarse}. */
    String id() {
        return id;
    }
}
