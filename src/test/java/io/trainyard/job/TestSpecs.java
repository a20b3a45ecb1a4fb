package io.trainyard.job;

import java.util.List;

import io.trainyard.nn.Activation;

/** Job specs the job package's unit tests share. */
final class TestSpecs {

    private TestSpecs() {}

    /** A small stored spec on hw5: 5 sigmoid hidden units, alpha 0.001, 10 iterations, seed 7. */
    static JobSpec small(String name) {
        return new JobSpec(
                name,
                "hw5",
                List.of(5),
                Activation.SIGMOID,
                false,
                0.1,
                0.001,
                10,
                7L,
                false,
                1,
                0.0,
                null,
                null,
                null,
                null);
    }
}
