package io.trainyard.system;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN while the disk that holds the embedded database has less than {@code
 * trainyard.limits.min-free-disk} free, so the instance leaves the load balancer (it is part of the
 * readiness group) while it cannot take new work; liveness stays UP, since a restart makes no room.
 * Reads the guard's cached reading: a probe never waits for the disk. UP when nothing is guarded
 * (PostgreSQL, or the check turned off).
 */
class DatabaseDiskHealth implements HealthIndicator {

    private final DatabaseDiskSpace disk;

    DatabaseDiskHealth(DatabaseDiskSpace disk) {
        this.disk = disk;
    }

    @Override
    public Health health() {
        if (!disk.guards()) {
            return Health.up().build();
        }
        long free = disk.freeBytes();
        return (free >= disk.minFreeBytes() ? Health.up() : Health.down())
                .withDetail("directory", disk.directory().toString())
                .withDetail("freeBytes", free)
                .withDetail("minFreeBytes", disk.minFreeBytes())
                .build();
    }
}
