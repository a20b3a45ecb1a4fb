package io.trainyard.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@code jdbc:h2:fulldisk:/dir/name}) over the real one whose writes fail in a
 * directory that {@link #fill} made "full", as a full disk fails them: with an {@code IOException}
 * "No space left on device" from the file channel. What H2 then does (and what it throws at the
 * service) is H2's own, without filling a real disk. Per directory, so tests cannot disturb each other.
 */
public final class FullDiskFileSystem extends FilePathWrapper {

    private static final String SCHEME = "fulldisk";
    private static final Set<Path> FULL = ConcurrentHashMap.newKeySet();

    /** Makes {@code jdbc:h2:fulldisk:…} URLs work; idempotent. */
    public static void register() {
        FilePath.register(new FullDiskFileSystem());
    }

    /** The URL of a database named {@code name} in {@code directory} on this file system. */
    public static String url(Path directory, String name) {
        return "jdbc:h2:" + SCHEME + ":" + directory.toAbsolutePath().resolve(name);
    }

    /** From now on every write to a file in {@code directory} fails, as on a full disk. */
    public static void fill(Path directory) {
        FULL.add(directory.toAbsolutePath());
    }

    /** Writes in {@code directory} succeed again, as once room was made. */
    public static void makeRoom(Path directory) {
        FULL.remove(directory.toAbsolutePath());
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        String file = getBase().toString();
        file = file.startsWith("file:") ? file.substring("file:".length()) : file;
        return new Channel(getBase().open(mode), Path.of(file).toAbsolutePath().getParent());
    }

    /** The real channel, but writes (and growing the file) fail while the disk is "full". */
    private static final class Channel extends FileBase {

        private final FileChannel base;
        private final Path directory;

        Channel(FileChannel base, Path directory) {
            this.base = base;
            this.directory = directory;
        }

        private void refuseWhenFull() throws IOException {
            if (FULL.contains(directory)) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            refuseWhenFull();
            return base.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            refuseWhenFull();
            return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
