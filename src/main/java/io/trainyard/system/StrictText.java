package io.trainyard.system;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;

/**
 * Text bodies (CSV uploads and CSV predictions) decoded strictly: bytes that are not text in the
 * charset the request names (UTF-8 by default) are refused with a 400. Java's own decoding would
 * replace them with U+FFFD, and a column named {@code "b\uFFFD"}, or a model input matched against
 * it, is data changed without a word.
 */
public final class StrictText {

    /** What is wrong with such a body, for the field that names it. */
    public static final String PROBLEM = "holds bytes that are not text in the request's charset (UTF-8 unless the "
            + "Content-Type names another); save the file as UTF-8, or name its charset, e.g. "
            + "text/csv; charset=ISO-8859-1";

    private StrictText() {}

    /**
     * @throws InvalidRequestException naming {@code field} and the line of the first bad byte
     */
    public static String decode(byte[] bytes, Charset charset, String field) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder(charset).decode(in).toString();
        } catch (CharacterCodingException e) {
            // The decoder stops at the first malformed sequence: its line is what an editor shows.
            int line = 1;
            for (int i = 0; i < Math.min(in.position(), bytes.length); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new InvalidRequestException(field, "line " + line + ": " + PROBLEM);
        }
    }

    /** A reader that throws a {@link CharacterCodingException} at the first bad byte instead of replacing it. */
    public static Reader reader(InputStream in, Charset charset) {
        return new InputStreamReader(in, decoder(charset));
    }

    private static CharsetDecoder decoder(Charset charset) {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
