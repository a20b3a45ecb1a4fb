package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.trainyard.system.JsonConfiguration;

class GradientsResponseTests {

    @Test
    void aNormThatIsNotAFiniteNumberIsNullInJsonNotTheStringInfinity() {
        double[] norms = {1.5, Double.POSITIVE_INFINITY, Double.NaN};
        HistoryChunk chunk =
                new HistoryChunk("job", 0, 3, 1, new double[] {3, 2, 1}, null, null, norms, new double[] {1, 1, 1});
        JobHistory history = JobHistory.of(List.of(chunk), -1, 1);

        GradientsResponse gradients = GradientsResponse.from("job", history, 0.1);
        String json = JsonConfiguration.strictMapper().writeValueAsString(gradients);

        assertThat(gradients.layers().get("W0")).containsExactly(1.5, null, null);
        assertThat(json)
                .contains("\"W0\":[1.5,null,null]")
                .doesNotContain("Infinity")
                .doesNotContain("NaN");
        assertThat(history.gradientNorms()[0][1])
                .as("the stored value, for the plot")
                .isInfinite();
    }
}
