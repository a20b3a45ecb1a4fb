package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class NamesTests {

    private static final String EMOJI = "\uD83D\uDE00"; // one character, two UTF-16 units

    @Test
    void lengthsAreCharactersAsAPersonCountsThem() {
        assertThat(Names.length(EMOJI.repeat(200))).isEqualTo(200);
        assertThat(Names.tooLong(EMOJI.repeat(200))).isFalse();
        assertThat(Names.tooLong(EMOJI.repeat(201))).isTrue();
        assertThat(Names.tooLong("n".repeat(201))).isTrue();

        List<FieldError> errors = new ArrayList<>();
        Names.check(EMOJI.repeat(201), errors);
        assertThat(errors).extracting(FieldError::message).containsExactly("must be at most 200 characters, got 201");
    }

    @Test
    void aLongNameIsCutBetweenCharactersNeverInsideOne() {
        String shortened = Names.shortened("a" + EMOJI.repeat(250));

        assertThat(Names.length(shortened)).isEqualTo(Names.MAX_LENGTH);
        assertThat(shortened).endsWith(EMOJI + "...");
        // a cut inside a surrogate pair would leave a lone high surrogate before the dots
        assertThat(shortened.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))
                .isTrue();
        assertThat(Names.shortened("short")).isEqualTo("short");
        assertThat(Names.shortened(null)).isNull();
    }

    @Test
    void aLoneSurrogateIsNotTextButAPairIs() {
        assertThat(Names.characterProblem("a" + EMOJI + "b")).isNull();
        assertThat(Names.characterProblem("plain")).isNull();
        assertThat(Names.characterProblem("a\uD800b")).contains("unpaired UTF-16 surrogate (\\uD800 at character 2)");
        assertThat(Names.characterProblem(EMOJI + "\uDFFF")).contains("\\uDFFF at character 2");
        assertThat(Names.characterProblem("ends\uD83D")).contains("\\uD83D at character 5");
        assertThat(Names.characterProblem("\uDE00\uD83D"))
                .as("a pair in the wrong order")
                .contains("character 1");

        List<FieldError> errors = new ArrayList<>();
        Names.check("a\uD800b", errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("name");
    }

    @Test
    void textBuiltFromValuesThatAreNoTextIsStillAValidName() {
        assertThat(Names.escapeNonText("s [activation=\uD800]")).isEqualTo("s [activation=\\uD800]");
        assertThat(Names.escapeNonText("a\u0000b" + EMOJI + "\uDFFF")).isEqualTo("a\\u0000b" + EMOJI + "\\uDFFF");
        assertThat(Names.characterProblem(Names.escapeNonText("\uDE00\uD83D" + EMOJI)))
                .isNull();
        String valid = "plain " + EMOJI;
        assertThat(Names.escapeNonText(valid)).isSameAs(valid);
    }
}
