package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.trainyard.system.InvalidRequestException;

/** Alias names are safe in a URL path, and a refusal says which characters are meant. */
class AliasNamesTests {

    @Test
    void namesOfAsciiLettersDigitsAndPunctuationAreTaken() {
        for (String name : List.of("prod", "Prod-2", "v1.2_rc", "9lives", "a".repeat(64))) {
            assertThat(AliasService.checkedName(name)).isEqualTo(name);
        }
    }

    @Test
    void aLetterOutsideAsciiIsRefusedByAMessageThatSaysAsciiNotJustLetters() {
        // 'é' is a letter: a message saying "only letters" contradicted itself.
        for (String name : List.of("café", "٣x")) {
            InvalidRequestException refused =
                    catchThrowableOfType(InvalidRequestException.class, () -> AliasService.checkedName(name));
            assertThat(refused.getMessage()).as(name).contains("ASCII letters and digits (A-Z, a-z, 0-9)");
        }
        for (String name : List.of("", ".hidden", "a/b", "a".repeat(65))) {
            assertThat(catchThrowableOfType(InvalidRequestException.class, () -> AliasService.checkedName(name)))
                    .as(name)
                    .isNotNull();
        }
    }
}
