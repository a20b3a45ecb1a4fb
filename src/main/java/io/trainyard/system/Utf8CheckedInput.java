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
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                check.end();
            } else {
                check.accept(buffer, offset, n);
            }
            return n;
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
