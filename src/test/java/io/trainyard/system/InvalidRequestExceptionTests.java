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

    /** limits.md said 300 characters long after the limit became 1,000: the doc states the constant. */
    @Test
    void theLimitsDocumentStatesTheLengthAtWhichATextIsCut() throws java.io.IOException {
        String limits = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "limits.md"));

        assertThat(limits)
                .contains("a field name or message longer than "
                        + String.format(java.util.Locale.ROOT, "%,d", InvalidRequestException.MAX_TEXT)
                        + " characters")
                .doesNotContain("longer than 300 characters");
        assertThat(InvalidRequestException.shorten("x ".repeat(InvalidRequestException.MAX_TEXT)))
                .contains(" more characters) … ");
    }

    @Test
    void aMessageQuotingAHugeValueIsCutInTheValueKeepingWhatItSaysOfIt() {
        String sent = "'" + "9".repeat(200_000) + "' is not a number";

        InvalidRequestException ex = new InvalidRequestException("file", sent);

        String message = ex.errors().get(0).message();
        assertThat(message)
                .hasSizeLessThan(InvalidRequestException.MAX_TEXT + 50)
                .startsWith("'999")
                .endsWith("999' is not a number");
        java.util.regex.Matcher cut = java.util.regex.Pattern.compile(" … \\((\\d+) more characters\\) … ")
                .matcher(message);
        assertThat(cut.find()).isTrue();
        int kept = message.length() - cut.group().length();
        assertThat(Integer.parseInt(cut.group(1))).isEqualTo(sent.length() - kept);
        assertThat(ex.getMessage()).hasSizeLessThan(2 * InvalidRequestException.MAX_TEXT);
    }

    /**
     * Audit contract, F4: the memory estimate's message (over 300 characters with a few layers) was cut
     * at 300, mid-word, taking off its advice: "…fewer rows or a l… (16 more characters)".
     */
    @Test
    void theServicesOwnLongestMessagesAreNotCut() {
        String layerSizes = java.util.stream.IntStream.range(0, 34)
                .mapToObj(i -> i == 0 || i == 33 ? "1000" : "390")
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        String memory = "this job needs an estimated 9876543210123 bytes (9419195.2 MiB) of working memory for "
                + "1000000 training, 250000 validation and 1000000 test rows through layer sizes " + layerSizes
                + ", more than the limit 2147483648 bytes (2048.0 MiB, trainyard.limits.max-job-memory); use "
                + "narrower or fewer layers, fewer rows or a lower basisDegree";

        InvalidRequestException ex = new InvalidRequestException("layers", memory);

        assertThat(ex.errors().get(0).message()).isEqualTo(memory);
        assertThat(ex.getMessage()).isEqualTo("layers: " + memory);
    }

    @Test
    void aLongMessageIsCutBetweenWords() {
        String words = "word ".repeat(400) + "and the end";

        String cut = InvalidRequestException.shorten(words);

        assertThat(cut)
                .hasSizeLessThanOrEqualTo(InvalidRequestException.MAX_TEXT + 30)
                .endsWith("and the end");
        assertThat(cut.split(" … \\(\\d+ more characters\\) … "))
                .hasSize(2)
                .allSatisfy(part -> assertThat(part.split(" ")).isSubsetOf("word", "and", "the", "end"));
    }
}
