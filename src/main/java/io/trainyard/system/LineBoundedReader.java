package io.trainyard.system;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Refuses a line longer than a bound while the text is read, before a parser buffers it: a CSV
 * "line" of 60 MB would otherwise be held whole (and copied) before any check could see it. Shared by
 * data set uploads and CSV predictions.
 */
public final class LineBoundedReader extends FilterReader {

    /**
     * A line went past the bound. The message is the sentence a user is told, with the line 1-based as
     * in an editor: both readers of CSV say the same.
     */
    public static final class LineTooLongException extends IOException {
        LineTooLongException(long line, int maxLineChars) {
            super("line " + line + " is longer than " + maxLineChars + " characters; a line holds one row of numbers");
        }
    }

    private final int maxLineChars;
    private long line = 1;
    private int column;

    public LineBoundedReader(Reader in, int maxLineChars) {
        super(in);
        this.maxLineChars = maxLineChars;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            count((char) c);
        }
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        for (int i = 0; i < n; i++) {
            count(buffer[offset + i]);
        }
        return n;
    }

    private void count(char c) throws LineTooLongException {
        if (c == '\n') {
            line++;
            column = 0;
        } else if (++column > maxLineChars) {
            throw new LineTooLongException(line, maxLineChars);
        }
    }
}
