package io.trainyard.system;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

import tools.jackson.core.io.IOContext;
import tools.jackson.core.io.InputDecorator;

/**
 * The JSON mapper's input, bytes checked as UTF-8 ({@link Utf8Check}) as the parser reads them, so
 * that a request body that is not UTF-8 is a 400, never silently decoded. In the stream itself: a
 * 64 MiB body is neither copied nor read twice, and the check sees each chunk before the parser does.
 * Characters (a {@link Reader}, a {@code String}) are already decoded and pass as they are.
 *
 * <p>A well-formed character that JSON cannot have outside a string (a typographic quote, a no-break
 * space) is not handed to the parser, which called it invalid UTF-8: the parser gets the bytes before
 * it, so that anything wrong there is still reported first, and its next read fails naming the
 * character ({@link Utf8Check.StrayCharacterException}).
 */
final class Utf8CheckedInput extends InputDecorator {

    private static final long serialVersionUID = 1L;

    @Override
    public InputStream decorate(IOContext context, InputStream in) {
        return new Checked(in);
    }

    @Override
    public InputStream decorate(IOContext context, byte[] source, int offset, int length) {
        return new Checked(new ByteArrayInputStream(source, offset, length));
    }

    @Override
    public Reader decorate(IOContext context, Reader reader) {
        return reader;
    }

    private static final class Checked extends FilterInputStream {

        private final Utf8Check check = new Utf8Check();

        Checked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (check.strayAt() > 0) {
                throw stray();
            }
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                check.end();
                return n;
            }
            long before = check.checked();
            check.accept(buffer, offset, n);
            if (check.strayAt() == 0) {
                return n;
            }
            // The bytes of this chunk before the stray character: the parser reads them first.
            long clean = check.strayAt() - 1 - before;
            if (clean > 0) {
                return (int) clean;
            }
            throw stray();
        }

        /** The stray character, once the rest of its sequence is read (and found well-formed). */
        private IOException stray() throws IOException {
            byte[] rest = new byte[4];
            while (check.stray() == null) {
                int n = super.read(rest, 0, rest.length);
                if (n < 0) {
                    check.end(); // the body ends inside the character's sequence: not UTF-8
                    throw new IllegalStateException("a cut-short sequence passed the UTF-8 check");
                }
                check.accept(rest, 0, n);
            }
            return check.stray();
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes would go unchecked: read them instead (the parser does not skip).
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
