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

    /** Thrown at the first byte that makes the input not UTF-8; the message says where and why. */
    static final class NotUtf8Exception extends CharConversionException {
        NotUtf8Exception(String message) {
            super(message);
        }
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
            if (expected == 0) {
                // A run of ASCII other than newlines, by far the most of a JSON body, in a tight loop.
                int run = i;
                while (i < end && bytes[i] >= 0 && bytes[i] != '\n') {
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
                start(b);
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
    }

    /** {@code at}: the 1-based byte offset of the sequence's first byte. */
    private NotUtf8Exception notUtf8(long at, String why) {
        return new NotUtf8Exception("The body is not UTF-8 at line " + line + ", column " + column + " (byte " + at
                + "): " + why + ". Send JSON as UTF-8 (RFC 8259).");
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
