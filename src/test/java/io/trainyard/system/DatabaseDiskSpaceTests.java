package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The free-space guard of the embedded database, on a fake reading and a fake clock: no disk is filled. */
class DatabaseDiskSpaceTests {

    private static final long MIB = 1024L * 1024;
    private static final Path DIRECTORY = Path.of("/srv/trainyard");

    private final AtomicLong free = new AtomicLong(500 * MIB);
    private final AtomicInteger readings = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private final DatabaseDiskSpace disk = new DatabaseDiskSpace(
            DIRECTORY,
            256 * MIB,
            () -> {
                readings.incrementAndGet();
                return free.get();
            },
            now::get);

    @Test
    void belowTheMinimumAStoringRequestIsRefusedNamingTheDirectoryAndBothSizes() {
        assertThat(disk.hasRoom()).isTrue();
        disk.requireRoom();

        free.set(12 * MIB);
        later(DatabaseDiskSpace.READING_TTL);

        assertThat(disk.hasRoom()).isFalse();
        assertThatThrownBy(disk::requireRoom)
                .isInstanceOfSatisfying(InsufficientStorageException.class, refused -> {
                    assertThat(refused.freeBytes()).isEqualTo(12 * MIB);
                    assertThat(refused.minFreeBytes()).isEqualTo(256 * MIB);
                    assertThat(refused.retryAfter()).isEqualTo(DatabaseDiskSpace.RETRY_AFTER);
                })
                .hasMessageContaining("/srv/trainyard")
                .hasMessageContaining("12.0 MiB (12582912 bytes)")
                .hasMessageContaining("256.0 MiB (268435456 bytes)")
                .hasMessageContaining("trainyard.limits.min-free-disk");

        free.set(256 * MIB);
        later(DatabaseDiskSpace.READING_TTL);
        assertThat(disk.hasRoom()).as("exactly the minimum is enough").isTrue();
    }

    @Test
    void aReadingServesEveryCheckForASecond() {
        for (int i = 0; i < 100; i++) {
            disk.hasRoom();
        }
        assertThat(readings).hasValue(1);

        free.set(MIB);
        later(DatabaseDiskSpace.READING_TTL.minusMillis(1));
        assertThat(disk.hasRoom()).as("the reading is younger than a second").isTrue();
        assertThat(readings).hasValue(1);

        later(Duration.ofMillis(1));
        assertThat(disk.hasRoom()).isFalse();
        assertThat(readings).hasValue(2);
    }

    @Test
    void aReadingThatFailsIsTakenAsRoom() {
        DatabaseDiskSpace unreadable = new DatabaseDiskSpace(
                DIRECTORY,
                256 * MIB,
                () -> {
                    throw new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/srv/trainyard"));
                },
                now::get);

        assertThat(unreadable.hasRoom()).isTrue();
        unreadable.requireRoom();
    }

    @Test
    void readinessIsDownWhileTheDiskIsShortAndUpOtherwise() {
        DatabaseDiskHealth health = new DatabaseDiskHealth(disk);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        free.set(MIB);
        later(DatabaseDiskSpace.READING_TTL);

        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails())
                .containsEntry("freeBytes", MIB)
                .containsEntry("minFreeBytes", 256 * MIB)
                .containsEntry("directory", "/srv/trainyard");
    }

    @Test
    void onlyAnH2FileDatabaseIsGuardedAndZeroTurnsTheGuardOff() {
        for (String url :
                new String[] {"jdbc:postgresql://db/trainyard", "jdbc:h2:mem:x", "jdbc:h2:tcp://localhost/~/x", null}) {
            DatabaseDiskSpace none = DatabaseDiskSpace.of(url, 256 * MIB);
            assertThat(none.guards()).as(url).isFalse();
            assertThat(none.hasRoom()).isTrue();
            assertThat(new DatabaseDiskHealth(none).health().getStatus()).isEqualTo(Status.UP);
        }
        DatabaseDiskSpace off = DatabaseDiskSpace.of("jdbc:h2:file:/srv/trainyard/trainyard", 0);
        assertThat(off.guards()).isFalse();
        off.requireRoom();

        DatabaseDiskSpace real = DatabaseDiskSpace.of("jdbc:h2:file:" + System.getProperty("java.io.tmpdir") + "/x", 1);
        assertThat(real.guards()).isTrue();
        assertThat(real.freeBytes())
                .as("the temporary directory's disk, read for real")
                .isPositive()
                .isLessThan(Long.MAX_VALUE);
    }

    @Test
    void theDirectoryIsTheDatabaseFilesOne() {
        assertThat(DatabaseDiskSpace.databaseDirectory(
                        "jdbc:h2:file:/srv/trainyard/trainyard;MODE=PostgreSQL;WRITE_DELAY=0"))
                .isEqualTo(Path.of("/srv/trainyard"));
        assertThat(DatabaseDiskSpace.databaseDirectory("jdbc:h2:file:./data/trainyard;MODE=PostgreSQL"))
                .isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(DatabaseDiskSpace.databaseDirectory("jdbc:h2:file:~/trainyard/db"))
                .isEqualTo(Path.of(System.getProperty("user.home"), "trainyard"));
        assertThat(DatabaseDiskSpace.databaseDirectory("jdbc:h2:mem:trainyard")).isNull();
        assertThat(DatabaseDiskSpace.databaseDirectory("jdbc:postgresql://localhost/trainyard"))
                .isNull();
    }

    @Test
    void sizesAreWrittenAsAnOperatorReadsThem() {
        assertThat(DatabaseDiskSpace.size(0)).isEqualTo("0 bytes");
        assertThat(DatabaseDiskSpace.size(1023)).isEqualTo("1023 bytes");
        assertThat(DatabaseDiskSpace.size(1536)).isEqualTo("1.5 KiB (1536 bytes)");
        assertThat(DatabaseDiskSpace.size(256 * MIB)).isEqualTo("256.0 MiB (268435456 bytes)");
    }

    @Test
    void aNegativeMinimumIsRefused() {
        assertThatThrownBy(() -> new DatabaseDiskSpace(DIRECTORY, -1, () -> 0, now::get))
                .hasMessageContaining("trainyard.limits.min-free-disk");
    }

    private void later(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
