package io.trainyard.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The free space on the disk that holds the embedded database, against {@code
 * trainyard.limits.min-free-disk}. H2 must never run out of disk: a write it cannot finish closes the
 * database, and a database opened again on a disk that is still full acknowledged commits it did not
 * keep (an audit saw a job answered 202, trained and logged {@code SUCCEEDED}, then gone). So while
 * the disk has less than the minimum free, nothing new is accepted ({@link #requireRoom}: submits,
 * sweeps, uploads and imports answer 503), readiness is DOWN ({@link DatabaseDiskHealth}), and a
 * database that closed itself is not opened again ({@link EmbeddedDatabaseReopening}). Jobs already
 * running go on writing into the margin; one whose write fails is recovered as lost from its
 * checkpoint, as after any outage.
 *
 * <p>Only an H2 file database ({@code jdbc:h2:file:…}) is guarded: PostgreSQL's disk is its server's
 * to watch, and a memory database has none. A reading is reused for {@link #READING_TTL}, so the
 * checks on every submit and every probe cost a system call a second at most. A reading that fails
 * (the directory gone) is taken as room: the guard must not refuse work on a failure of its own,
 * which is logged instead.
 */
public final class DatabaseDiskSpace {

    private static final Logger log = LoggerFactory.getLogger(DatabaseDiskSpace.class);

    /** How long one reading of the free space is used. */
    static final Duration READING_TTL = Duration.ofSeconds(1);

    /**
     * What a refused request is told to wait: room comes back when an operator makes it (or H2 reuses
     * the space of chunks it no longer needs, which it keeps for 45 s), not within the 5 s of a
     * connection blip.
     */
    static final Duration RETRY_AFTER = Duration.ofSeconds(60);

    private static final String URL_PREFIX = "jdbc:h2:file:";

    private final Path directory;
    private final long minFreeBytes;
    private final LongSupplier freeBytes;
    private final LongSupplier nanoTime;

    private record Reading(long freeBytes, long atNanos) {}

    // Replaced as a whole; racing readers at most read the disk twice.
    private volatile Reading latest;
    private volatile boolean below;
    private volatile boolean readingFailed;

    /**
     * @param directory the directory that holds the database file, or null when nothing is guarded
     * @param minFreeBytes the minimum free space; 0 turns the guard off
     * @param freeBytes reads the free space available to this process, in bytes
     * @param nanoTime the clock the reading's age is measured on
     */
    DatabaseDiskSpace(Path directory, long minFreeBytes, LongSupplier freeBytes, LongSupplier nanoTime) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException(
                    "trainyard.limits.min-free-disk must be 0 (no check) or a size, got " + minFreeBytes + " bytes");
        }
        this.directory = directory;
        this.minFreeBytes = minFreeBytes;
        this.freeBytes = freeBytes;
        this.nanoTime = nanoTime;
    }

    /** A guard of the directory that holds the database of {@code jdbcUrl}, reading its file store. */
    static DatabaseDiskSpace of(String jdbcUrl, long minFreeBytes) {
        Path directory = databaseDirectory(jdbcUrl);
        if (directory == null || minFreeBytes == 0) {
            return new DatabaseDiskSpace(null, 0, () -> Long.MAX_VALUE, System::nanoTime);
        }
        return new DatabaseDiskSpace(directory, minFreeBytes, new UsableSpace(directory), System::nanoTime);
    }

    /**
     * The directory of an H2 file database's files: {@code jdbc:h2:file:./data/trainyard;MODE=…} →
     * {@code ./data}, absolute. Null for any other URL (PostgreSQL, {@code jdbc:h2:mem:}, a server).
     */
    static Path databaseDirectory(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(URL_PREFIX)) {
            return null;
        }
        String name = jdbcUrl.substring(URL_PREFIX.length());
        int options = name.indexOf(';');
        if (options >= 0) {
            name = name.substring(0, options);
        }
        if (name.startsWith("~")) {
            // H2 reads a leading ~ as the user's home directory.
            name = System.getProperty("user.home") + name.substring(1);
        }
        try {
            Path file = Path.of(name);
            String baseDir = System.getProperty("h2.baseDir");
            if (!file.isAbsolute() && baseDir != null) {
                file = Path.of(baseDir).resolve(file); // where H2 puts relative names when this is set
            }
            return file.toAbsolutePath().normalize().getParent();
        } catch (InvalidPathException notAPath) {
            return null;
        }
    }

    /** Whether anything is guarded (an H2 file database and a minimum above 0). */
    public boolean guards() {
        return directory != null && minFreeBytes > 0;
    }

    /** The directory whose disk is read; null when nothing is guarded. */
    public Path directory() {
        return directory;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** The free space of the latest reading (at most {@link #READING_TTL} old). */
    public long freeBytes() {
        if (!guards()) {
            return Long.MAX_VALUE;
        }
        long now = nanoTime.getAsLong();
        Reading reading = latest;
        if (reading == null || now - reading.atNanos() >= READING_TTL.toNanos()) {
            reading = new Reading(read(reading), now);
            latest = reading;
            noteChange(reading.freeBytes());
        }
        return reading.freeBytes();
    }

    /** Whether the disk has at least the minimum free. */
    public boolean hasRoom() {
        return freeBytes() >= minFreeBytes;
    }

    /**
     * @throws InsufficientStorageException when the disk has less than the minimum free: the request
     *     that would store something is answered 503 with {@code Retry-After}
     */
    public void requireRoom() {
        long free = freeBytes();
        if (free < minFreeBytes) {
            throw new InsufficientStorageException(
                    "Nothing new is stored while the disk that holds the database (" + directory + ") has less "
                            + "than trainyard.limits.min-free-disk free: it has " + size(free) + ", at least "
                            + size(minFreeBytes) + " is needed. Ask the operator to make room on that disk, "
                            + "then try again.",
                    free,
                    minFreeBytes,
                    RETRY_AFTER);
        }
    }

    /** A size as an operator reads it: "12.4 MiB (13002342 bytes)". */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0
                ? bytes + " bytes"
                : String.format(Locale.ROOT, "%.1f %s (%d bytes)", value, units[unit], bytes);
    }

    private long read(Reading previous) {
        try {
            long free = freeBytes.getAsLong();
            if (readingFailed) {
                readingFailed = false;
                log.info("The free space of {} can be read again", directory);
            }
            return free;
        } catch (RuntimeException e) {
            if (!readingFailed) {
                readingFailed = true; // one line when it starts failing, not one a second
                log.warn(
                        "Could not read the free space of {}: {}; taken as enough until it can be read",
                        directory,
                        e.toString());
            }
            return previous == null ? Long.MAX_VALUE : Math.max(previous.freeBytes(), minFreeBytes);
        }
    }

    /** One line when the disk falls below the minimum and one when it is back above, not one per check. */
    private void noteChange(long free) {
        boolean nowBelow = free < minFreeBytes;
        if (nowBelow == below) {
            return;
        }
        below = nowBelow;
        if (nowBelow) {
            log.warn(
                    "The disk that holds the database ({}) has {} free, less than trainyard.limits.min-free-disk = "
                            + "{}: submits, sweeps, uploads and imports are answered 503, queued jobs wait and "
                            + "readiness is DOWN until it has room again (make room on that disk, or set "
                            + "trainyard.limits.min-free-disk lower; 0 turns the check off)",
                    directory,
                    size(free),
                    size(minFreeBytes));
        } else {
            log.info(
                    "The disk that holds the database ({}) has {} free again (trainyard.limits.min-free-disk = "
                            + "{}): new work is accepted",
                    directory,
                    size(free),
                    size(minFreeBytes));
        }
    }

    /** The space the file store of a directory has for this process; the store is looked up once. */
    private static final class UsableSpace implements LongSupplier {

        private final Path directory;
        private FileStore store;

        UsableSpace(Path directory) {
            this.directory = directory;
        }

        @Override
        public synchronized long getAsLong() {
            try {
                if (store == null) {
                    // Parses the mount table: done once, not every second.
                    store = Files.getFileStore(directory);
                }
                return store.getUsableSpace();
            } catch (IOException e) {
                store = null; // looked up again next time (the directory may come back, or a disk be mounted)
                throw new UncheckedIOException(e);
            }
        }
    }
}
