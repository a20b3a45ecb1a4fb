package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * UTF-8 as RFC 3629 has it, checked chunk by chunk: what Java's strict decoder refuses is refused,
 * with where and why, wherever the chunks are cut; UTF-16 and UTF-32 bodies are left to the parser.
 */
class Utf8CheckTests {

    private static String refusal(byte[] bytes) {
        Utf8Check check = new Utf8Check();
        try {
            check.accept(bytes, 0, bytes.length);
            check.end();
            return null;
        } catch (Utf8Check.NotUtf8Exception e) {
            return e.getMessage();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Test
    void overlongEncodingsAreRefusedNamingTheCharacterTheySmuggle() {
        assertThat(refusal(bytes('a', 0xC0, 0xAF, 'b')))
                .isEqualTo("The body is not UTF-8 at line 1, column 2 (byte 2): 0xC0 0xAF is an overlong encoding of "
                        + "U+002F ('/'), which UTF-8 writes in 1 byte; overlong forms are not UTF-8 (RFC 3629). Send "
                        + "JSON as UTF-8 (RFC 8259).");
        assertThat(refusal(bytes('a', 0xE0, 0x80, 0xAF))).contains("0xE0 0x80 0xAF is an overlong encoding of U+002F");
        assertThat(refusal(bytes(0xC0, 0xA2))).contains("overlong encoding of U+0022 ('\"')");
        assertThat(refusal(bytes(0xC0, 0x80))).contains("overlong encoding of U+0000,");
        assertThat(refusal(bytes(0xF0, 0x80, 0x80, 0xAF))).contains("overlong encoding of U+002F");
        assertThat(refusal(bytes(0xE0, 0x9F, 0xBF)))
                .contains("overlong encoding of U+07FF, which UTF-8 writes in 2 bytes");
    }

    @Test
    void surrogatesCodePointsPastUnicodeStrayAndCutSequencesAreRefused() {
        assertThat(refusal(bytes(0xED, 0xA0, 0x80))).contains("encodes U+D800, a UTF-16 surrogate");
        assertThat(refusal(bytes(0xF4, 0x90, 0x80, 0x80))).contains("encodes U+110000, beyond the last code point");
        assertThat(refusal(bytes('{', 0xFF))).contains("(byte 2): 0xFF is never part of UTF-8");
        assertThat(refusal(bytes(0x80))).contains("0x80 is a continuation byte with no lead byte before it");
        assertThat(refusal(bytes('"', 0xC3, '"')))
                .contains("0xC3 starts a 2-byte sequence, but 0x22 follows where a continuation byte");
        assertThat(refusal(bytes('"', 0xE2, 0x82))).contains("0xE2 0x82 starts a 3-byte sequence, but the body ends");
    }

    @Test
    void theLineAndColumnAreCountedInCharacters() {
        byte[] body = "{\"a\": 1,\n \"é€😀\": \"x".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[body.length + 2];
        System.arraycopy(body, 0, bad, 0, body.length);
        bad[body.length] = (byte) 0xC1;
        bad[body.length + 1] = (byte) 0xBF;
        assertThat(refusal(bad))
                .startsWith("The body is not UTF-8 at line 2, column 11 (byte " + (body.length + 1) + ")");
    }

    @Test
    void utf16AndUtf32BodiesAreLeftToTheParsersOwnDetection() throws IOException {
        JsonMapper json = JsonConfiguration.strictMapper();
        for (var charset : java.util.List.of(
                StandardCharsets.UTF_16BE,
                StandardCharsets.UTF_16LE,
                StandardCharsets.UTF_16,
                java.nio.charset.Charset.forName("UTF-32"))) {
            byte[] body = "{\"name\": \"é\"}".getBytes(charset);
            assertThat(refusal(body)).as(charset.name()).isNull();
            assertThat(json.readTree(new ByteArrayInputStream(body)).get("name").asString())
                    .as(charset.name())
                    .isEqualTo("é");
        }
    }

    @Test
    void theServicesMapperRefusesABodyThatIsNotUtf8FromAStreamAndFromBytes() throws IOException {
        JsonMapper json = JsonConfiguration.strictMapper();
        byte[] body = bytes('{', '"', 'n', '"', ':', '"', 'a', 0xC0, 0xAF, 'b', '"', '}');
        assertThatThrownBy(() -> json.readTree(new ByteArrayInputStream(body)))
                .isInstanceOf(JacksonException.class)
                .rootCause()
                .isInstanceOf(Utf8Check.NotUtf8Exception.class);
        assertThatThrownBy(() -> json.readTree(body)).rootCause().isInstanceOf(Utf8Check.NotUtf8Exception.class);
        assertThat(json.readTree("{\"n\": \"a/b\"}").get("n").asString()).isEqualTo("a/b");
    }

    @Provide
    Arbitrary<byte[]> nearlyUtf8() {
        // Mostly well-formed text with a few bytes from the edges of the table (leads, continuations,
        // the overlong and surrogate ranges), so that both answers come up often.
        Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(12).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> edge = Arbitraries.of(
                        0x00, 0x2F, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                        0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFF)
                .map(b -> new byte[] {b.byteValue()});
        return Arbitraries.oneOf(text, text, edge).list().ofMaxSize(12).map(parts -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            // A JSON text's first two bytes are ASCII: no part then looks like UTF-16 by accident.
            out.writeBytes(new byte[] {'{', ' '});
            parts.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    @Property(tries = 3000)
    void acceptsExactlyWhatJavasStrictDecoderAcceptsWhereverTheChunksAreCut(
            @ForAll("nearlyUtf8") byte[] input, @ForAll("chunkSizes") int chunk) {
        boolean javaAccepts;
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input));
            javaAccepts = true;
        } catch (CharacterCodingException e) {
            javaAccepts = false;
        }
        assertThat(readsInChunks(input, chunk))
                .as(java.util.HexFormat.ofDelimiter(" ").formatHex(input))
                .isEqualTo(javaAccepts);
    }

    @Provide
    Arbitrary<Integer> chunkSizes() {
        return Arbitraries.integers().between(1, 5);
    }

    private static boolean readsInChunks(byte[] input, int chunk) {
        Utf8Check check = new Utf8Check();
        try {
            for (int from = 0; from < input.length; from += chunk) {
                check.accept(input, from, Math.min(chunk, input.length - from));
            }
            check.end();
            return true;
        } catch (Utf8Check.NotUtf8Exception e) {
            return false;
        }
    }

    /** A stream that hands out at most {@code chunk} bytes per read, as a slow connection does. */
    private static InputStream inChunks(byte[] bytes, int chunk) {
        return new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, chunk));
            }
        };
    }

    /** What the parser would get of {@code bytes} before the stream fails, and how it fails (null: it ends). */
    private static java.util.Map.Entry<String, Exception> readUntilFailure(byte[] bytes, int chunk) {
        InputStream in = new Utf8CheckedInput().decorate(null, inChunks(bytes, chunk));
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8];
        try {
            for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                got.write(buffer, 0, n);
            }
            return new java.util.AbstractMap.SimpleEntry<>(got.toString(StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            return new java.util.AbstractMap.SimpleEntry<>(got.toString(StandardCharsets.UTF_8), e);
        }
    }

    @Test
    void theParserGetsEveryByteBeforeACharacterJsonHasNoPlaceForThenItsName() {
        byte[] body = "{\"a\": \"\u00E9\\\"\", \"b\": \u201Cx\u201D}".getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 9; chunk++) {
            var read = readUntilFailure(body, chunk);
            assertThat(read.getKey()).as("chunk %d", chunk).isEqualTo("{\"a\": \"\u00E9\\\"\", \"b\": ");
            assertThat(read.getValue())
                    .as("chunk %d", chunk)
                    .isInstanceOf(Utf8Check.StrayCharacterException.class)
                    .hasMessageStartingWith("The body is not valid JSON (line 1, column 19): unexpected character "
                            + "'\u201C' (U+201C)");
        }
        // Bytes that are not UTF-8 where such a character would stand are still not UTF-8.
        for (int chunk = 1; chunk <= 3; chunk++) {
            assertThat(readUntilFailure(bytes('{', '"', 'a', '"', ':', 0xE2, 0x80), chunk)
                            .getValue())
                    .isInstanceOf(Utf8Check.NotUtf8Exception.class)
                    .hasMessageContaining("0xE2 0x80 starts a 3-byte sequence, but the body ends");
            assertThat(readUntilFailure(bytes('{', '"', 'a', '"', ':', 0xC0, 0xAF, '}'), chunk)
                            .getValue())
                    .isInstanceOf(Utf8Check.NotUtf8Exception.class)
                    .hasMessageContaining("overlong encoding of U+002F");
        }
        // A byte-order mark opens a body; only there is U+FEFF no stray character.
        byte[] marked = bytes(0xEF, 0xBB, 0xBF, '{', '}');
        assertThat(readUntilFailure(marked, 1).getValue()).isNull();
        assertThat(readUntilFailure(bytes('{', '}', 0xEF, 0xBB, 0xBF), 2).getValue())
                .hasMessageContaining("(line 1, column 3): unexpected character U+FEFF");
    }

    @Test
    void aStreamReadByteByByteIsCheckedAsOne() {
        InputStream in = new Utf8CheckedInput().decorate(null, new ByteArrayInputStream(bytes('a', 0xE0, 0x80, 0xAF)));
        assertThatThrownBy(() -> {
                    while (in.read() >= 0) {
                        // read to the end
                    }
                })
                .isInstanceOf(Utf8Check.NotUtf8Exception.class)
                .hasMessageContaining("overlong");
    }
}
