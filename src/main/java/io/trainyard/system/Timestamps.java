package io.trainyard.system;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Creation times as the database keeps them (microseconds), so a resource reads the same when created and when read back. */
public final class Timestamps {

    private Timestamps() {}

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
