package io.trainyard.system;

import java.util.concurrent.ThreadLocalRandom;

/** Seeds drawn for specs that give none; reported back so the run can be repeated. */
public final class Seeds {

    /** Below 2^53, so JavaScript clients read a drawn seed exactly. */
    private static final long BOUND = 1L << 53;

    private Seeds() {}

    public static long draw() {
        return ThreadLocalRandom.current().nextLong(BOUND);
    }
}
