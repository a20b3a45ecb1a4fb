package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InvalidRequestExceptionTests {

    @Test
    void aMillionProblemsAreAnsweredWithTwentyAndACount() {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            errors.add(new FieldError("layers[" + i + "]", "a hidden layer needs at least 1 unit, got 0"));
        }

        InvalidRequestException ex = new InvalidRequestException(errors);

        assertThat(ex.errors()).hasSize(InvalidRequestException.MAX_ERRORS);
        assertThat(ex.errors().get(0).field()).isEqualTo("layers[0]");
        assertThat(ex.omitted()).isEqualTo(999_980);
        assertThat(ex.getMessage()).endsWith("and 999980 more problems").hasSizeLessThan(5_000);
    }

    @Test
    void aFewProblemsAreAllListed() {
        InvalidRequestException ex =
                new InvalidRequestException(List.of(new FieldError("a", "x"), new FieldError("b", "y")));

        assertThat(ex.errors()).extracting(FieldError::field).containsExactly("a", "b");
        assertThat(ex.omitted()).isZero();
        assertThat(ex.getMessage()).isEqualTo("a: x; b: y");
    }

    @Test
    void aMessageQuotingAHugeValueIsCut() {
        InvalidRequestException ex =
                new InvalidRequestException("file", "'" + "9".repeat(200_000) + "' is not a number");

        assertThat(ex.errors().get(0).message()).hasSizeLessThan(400).contains("more characters");
        assertThat(ex.getMessage()).hasSizeLessThan(800);
    }
}
