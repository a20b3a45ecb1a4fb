package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** The Accept list once q=0 refusals are applied (RFC 9110 §12.4.2: the most specific range wins). */
class AcceptHeaderStrategyTests {

    private static final List<MediaType> KNOWN = List.of(
            MediaType.APPLICATION_JSON,
            MediaType.parseMediaType("application/onnx"),
            MediaType.APPLICATION_PROBLEM_JSON,
            MediaType.IMAGE_PNG,
            MediaType.parseMediaType("text/csv"));

    private static List<String> stillAccepted(String accept) {
        List<MediaType> accepted = MediaType.parseMediaTypes(accept);
        return AcceptHeaderStrategy.stillAccepted(accepted, KNOWN).stream()
                .map(MediaType::toString)
                .toList();
    }

    @Test
    void aRefusedTypeAloneLeavesNothing() {
        assertThat(stillAccepted("application/json;q=0")).isEmpty();
        assertThat(stillAccepted("*/*;q=0")).isEmpty();
    }

    @Test
    void aRefusalNarrowingAWildcardLeavesTheOtherKnownTypesWithTheWildcardsQuality() {
        assertThat(stillAccepted("*/*;q=0.8, application/json;q=0"))
                .containsExactly(
                        "application/onnx;q=0.8",
                        "application/problem+json;q=0.8",
                        "image/png;q=0.8",
                        "text/csv;q=0.8");
        assertThat(stillAccepted("application/*, application/json;q=0, text/csv;q=0.5"))
                .containsExactly("application/onnx", "application/problem+json", "text/csv;q=0.5");
    }

    @Test
    void aMoreSpecificAcceptanceBeatsABroaderRefusal() {
        assertThat(stillAccepted("*/*;q=0, application/json;q=0.5")).containsExactly("application/json;q=0.5");
        assertThat(stillAccepted("image/*;q=0, */*"))
                .containsExactly("application/json", "application/onnx", "application/problem+json", "text/csv");
    }

    @Test
    void rangesNoRefusalNarrowsStayAsTheyAre() {
        assertThat(stillAccepted("text/*, application/json;q=0")).containsExactly("text/*");
        assertThat(stillAccepted("application/json;q=0, text/csv")).containsExactly("text/csv");
    }

    @Test
    void aRefusalWithParametersRefusesOnlyTheTypeWithThem() {
        assertThat(stillAccepted("*/*, text/csv;header=absent;q=0")).contains("text/csv");
        assertThat(stillAccepted("application/json, application/json;q=0")).isEmpty();
    }
}
