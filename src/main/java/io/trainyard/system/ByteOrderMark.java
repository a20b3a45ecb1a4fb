package io.trainyard.system;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;

/**
 * The byte-order mark (U+FEFF) that spreadsheet programs and {@code utf-8-sig} writers put before a
 * CSV file's header, taken off the characters before a CSV parser sees them. Taken off the first
 * parsed cell instead, it had hidden the cell's opening quote from the parser: {@code \uFEFF"a",b}
 * gave the column name {@code "a"} with its quotes. Shared by data set uploads and CSV predictions.
 */
public final class ByteOrderMark {

    private ByteOrderMark() {}

    /**
     * {@code in} without a leading U+FEFF (only at the very start: anywhere else it is text).
     *
     * @throws IOException as reading the first character of {@code in} does
     */
    public static Reader skipped(Reader in) throws IOException {
        PushbackReader reader = new PushbackReader(in, 1);
        int first = reader.read();
        if (first >= 0 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }
}
