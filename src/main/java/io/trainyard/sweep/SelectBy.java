package io.trainyard.sweep;

import java.util.Arrays;
import java.util.Locale;

/** Which final loss ranks a sweep's jobs, and what the user should be told about choosing it. */
enum SelectBy {
    /** Held-out rows carved from the training data: the honest choice. */
    VALIDATION(null),
    TRAIN("Selecting by training loss favours the largest, most over-fitted networks and says nothing about data "
            + "the model has not seen; select by validation (with base.validationFraction, or a data set with a "
            + "validation part)."),
    TEST("Selecting by test loss overstates generalisation: once the test set has picked the winner, the winner's "
            + "test loss is an optimistic estimate. Select by validation and read the winner's test loss once.");

    private final String warning;

    SelectBy(String warning) {
        this.warning = warning;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Why this choice is questionable, or null for validation. */
    String warning() {
        return warning;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    static SelectBy fromId(String id) {
        if (id == null) {
            return VALIDATION;
        }
        return Arrays.stream(values())
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("must be validation, train or test, got '" + id + "'"));
    }
}
