package io.trainyard.system;

import java.io.CharConversionException;

/**
 * Checks a byte stream, chunk by chunk, against UTF-8 as RFC 3629 defines it (the well-formed
 * sequences of Unicode's table 3-7), and stops at the first byte that breaks it, saying where.
 *
 * <p><b>Why not the parser's own decoding.</b> Jackson decodes a 2-byte sequence without checking
 * its lead byte, and a 3-byte one without checking its second: {@code 0xC0 0xAF} and
 * {@code 0xE0 0x80 0xAF} became {@code /}, {@code 0xC0 0xA2} a quote, {@code 0xC0 0x80} a NUL. A
 * name sent as {@code a\xC0\xAFb} was stored as {@code a/b}: the service answered with a string
 * other than the bytes it was sent, the classic way past a filter that looks at bytes. Java's
 * strict decoder ({@link StrictText}, for CSV) refuses them too, but decodes into characters that
 * would be thrown away; this only looks, once per byte, in the chunks the parser reads anyway.
 *
 * <p>A body that starts as UTF-16 or UTF-32 does (a NUL among its first two bytes, or a UTF-16
 * byte-order mark) is left to the parser's own detection of those encodings: its bytes are not
 * UTF-8 and were never meant to be.
 *
 * <p><b>A character JSON cannot have where it stands.</b> Outside its strings JSON is ASCII (its
 * brackets, numbers, literals and white space), so a non-ASCII character there is well-formed UTF-8
 * but not JSON: a typographic quote ({@code "alpha": “0.1”}), a no-break space around the object,
 * a bare {@code é}. The parser reads such a character's bytes one at a time and called valid UTF-8
 * "Invalid UTF-8 start byte 0x80", the very thing this check had just ruled out. So the check
 * follows the strings (their quotes and escapes), two byte comparisons in the loop it runs anyway, and
 * notes the first such character, for {@link Utf8CheckedInput} to name ({@link #strayAt()},
 * {@link #stray()}). A byte-order mark opening the body is the parser's to skip, not such a character.
 */
final class Utf8Check {

    /** Continuation bytes still expected in the current sequence; 0 between characters. */
    private int expected;
    /** The current sequence's bytes so far, for the message (at most 4). */
    private final byte[] sequence = new byte[4];

    private int length;
    private int codePoint;
    private long offset;
    private long line = 1;
    private long column;
    private byte first;
    private boolean otherEncoding;

    /** Inside a JSON string, and just after its backslash: an escaped quote does not end the string. */
    private boolean inString;

    private boolean escaped;
    /** The 1-based byte offset of the first character outside a string that is not ASCII; 0 while none. */
    private long strayAt;

    private long strayLine;
    private long strayColumn;
    private StrayCharacterException stray;

    /** Thrown at the first byte that makes the input not UTF-8; the message says where and why. */
    static final class NotUtf8Exception extends CharConversionException {
        NotUtf8Exception(String message) {
            super(message);
        }
    }

    /**
     * Thrown, by {@link Utf8CheckedInput}, at a well-formed character that JSON has nowhere outside its
     * strings; the message says where and which, as the parser's own refusals of a body are said.
     */
    static final class StrayCharacterException extends java.io.IOException {
        StrayCharacterException(String message) {
            super(message);
        }
    }

    /** The bytes checked so far. */
    long checked() {
        return offset;
    }

    /**
     * The 1-based byte offset where the first non-ASCII character outside a string begins, or 0 when
     * there is none so far; its sequence may not be complete yet ({@link #stray()} is then null).
     */
    long strayAt() {
        return strayAt;
    }

    /** What to say of the character at {@link #strayAt()}, once its sequence is complete and well-formed. */
    StrayCharacterException stray() {
        return stray;
    }

    /** Checks the next {@code count} bytes of the input. */
    void accept(byte[] bytes, int from, int count) throws NotUtf8Exception {
        int end = from + count;
        int i = from;
        for (; i < end && offset < 2 && !otherEncoding; i++) {
            otherEncoding = isAnotherEncoding(bytes[i]);
            if (!otherEncoding) {
                offset++;
                next(bytes[i]);
            }
        }
        if (otherEncoding) {
            return;
        }
        long before = offset - i; // offset of bytes[j] is before + j + 1
        while (i < end) {
            if (expected == 0 && !escaped) {
                // A run of ASCII other than newlines, quotes and backslashes, by far the most of a JSON
                // body, in a tight loop.
                int run = i;
                while (i < end && bytes[i] >= 0 && bytes[i] != '\n' && bytes[i] != '"' && bytes[i] != '\\') {
                    i++;
                }
                column += i - run;
                if (i == end) {
                    break;
                }
            }
            offset = before + i + 1;
            next(bytes[i]);
            i++;
        }
        offset = before + end;
    }

    /** The input has ended: a sequence begun must have been completed. */
    void end() throws NotUtf8Exception {
        if (expected > 0 && !otherEncoding) {
            throw notUtf8(
                    offset,
                    hex(sequence, length) + " starts a " + (length + expected) + "-byte sequence, but the body ends "
                            + "after " + (length == 1 ? "it" : "its first " + length + " bytes"));
        }
    }

    /** UTF-16 and UTF-32 as the parser detects them: what a JSON text in UTF-8 can never start with. */
    private boolean isAnotherEncoding(byte b) {
        if (offset == 0) {
            first = b;
            return b == 0 || b == (byte) 0xFE || b == (byte) 0xFF;
        }
        return b == 0 && first >= 0;
    }

    private void next(byte signed) throws NotUtf8Exception {
        int b = signed & 0xFF;
        if (expected == 0) {
            if (b == '\n') {
                line++;
                column = 0;
            } else if (b < 0x80) {
                column++;
            } else {
                escaped = false;
                start(b);
                return;
            }
            if (escaped) {
                escaped = false;
            } else if (b == '"') {
                inString = !inString;
            } else if (b == '\\' && inString) {
                escaped = true;
            }
            return;
        }
        if ((b & 0xC0) != 0x80) {
            throw notUtf8(
                    offset,
                    hex(sequence, length) + " starts a " + (length + expected) + "-byte sequence, but " + hex(b)
                            + " follows where a continuation byte (0x80 to 0xBF) belongs");
        }
        sequence[length++] = (byte) b;
        codePoint = (codePoint << 6) | (b & 0x3F);
        if (--expected == 0) {
            complete();
        }
    }

    private void start(int lead) throws NotUtf8Exception {
        column++;
        sequence[0] = (byte) lead;
        length = 1;
        if (lead >= 0x80 && lead <= 0xBF) {
            throw notUtf8(offset, hex(lead) + " is a continuation byte with no lead byte before it");
        }
        if (lead >= 0xF8) {
            throw notUtf8(offset, hex(lead) + " is never part of UTF-8");
        }
        // 0xC0, 0xC1 and 0xF5 to 0xF7 are taken as the leads they look like: what they encode is then
        // named (an overlong '/', a code point past U+10FFFF) instead of a bare "invalid byte".
        if (lead < 0xE0) {
            expected = 1;
            codePoint = lead & 0x1F;
        } else if (lead < 0xF0) {
            expected = 2;
            codePoint = lead & 0x0F;
        } else {
            expected = 3;
            codePoint = lead & 0x07;
        }
        // A byte-order mark may open the body (offset 1): which character it is shows at its end.
        if (!inString && strayAt == 0 && !(offset == 1 && lead == 0xEF)) {
            strayAt = offset;
            strayLine = line;
            strayColumn = column;
        }
    }

    private void complete() throws NotUtf8Exception {
        int shortest = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        if (shortest < length) {
            throw notUtf8(
                    offset - length + 1,
                    hex(sequence, length) + " is an overlong encoding of " + describe(codePoint) + ", which UTF-8 "
                            + "writes in " + shortest + (shortest == 1 ? " byte" : " bytes")
                            + "; overlong forms are not UTF-8 (RFC 3629)");
        }
        if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
            throw notUtf8(
                    offset - length + 1,
                    hex(sequence, length) + " encodes " + describe(codePoint) + ", a UTF-16 surrogate, which is no "
                            + "character (CESU-8, not UTF-8)");
        }
        if (codePoint > 0x10FFFF) {
            throw notUtf8(
                    offset - length + 1,
                    hex(sequence, length) + " encodes " + describe(codePoint) + ", beyond the last code point, "
                            + "U+10FFFF");
        }
        long begun = offset - length + 1;
        if (begun == 1 && strayAt == 0 && codePoint != 0xFEFF) {
            strayAt = 1;
            strayLine = 1;
            strayColumn = 1;
        }
        if (begun == strayAt && stray == null) {
            stray = new StrayCharacterException("The body is not valid JSON (line " + strayLine + ", column "
                    + strayColumn + "): unexpected character " + unexpected(codePoint) + ".");
        }
    }

    /** {@code at}: the 1-based byte offset of the sequence's first byte. */
    private NotUtf8Exception notUtf8(long at, String why) {
        return new NotUtf8Exception("The body is not UTF-8 at line " + line + ", column " + column + " (byte " + at
                + "): " + why + ". Send JSON as UTF-8 (RFC 8259).");
    }

    /** Quotes a word processor puts where JSON's straight double quote belongs. */
    private static final String TYPOGRAPHIC_QUOTES =
            "\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F\u00AB\u00BB\u2039\u203A\uFF02\uFF07";

    /**
     * A character JSON has no place for outside its strings, and what the sender likely meant: quotes
     * from a word processor, a space from a web page, text without its quotes.
     */
    private static String unexpected(int codePoint) {
        String name = String.format("U+%04X", codePoint);
        if (TYPOGRAPHIC_QUOTES.indexOf(codePoint) >= 0) {
            return "'" + Character.toString(codePoint) + "' (" + name + "): JSON encloses strings in straight "
                    + "double quotes (\"), not typographic ones";
        }
        if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
            return name + ", a space JSON does not take: its white space is the space, tab, line feed and carriage "
                    + "return";
        }
        int type = Character.getType(codePoint);
        boolean visible = type != Character.CONTROL
                && type != Character.FORMAT
                && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE
                && type != Character.SURROGATE;
        return (visible ? "'" + Character.toString(codePoint) + "' (" + name + ")" : name)
                + ": outside its strings JSON is ASCII, so text belongs in double quotes";
    }

    private static String describe(int codePoint) {
        String name = String.format("U+%04X", codePoint);
        return codePoint >= 0x20 && codePoint < 0x7F ? name + " ('" + (char) codePoint + "')" : name;
    }

    private static String hex(byte[] bytes, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(hex(bytes[i] & 0xFF));
        }
        return text.toString();
    }

    private static String hex(int b) {
        return String.format("0x%02X", b);
    }
}
