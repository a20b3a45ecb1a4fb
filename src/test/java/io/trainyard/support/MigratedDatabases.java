package io.trainyard.support;

import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/** Databases with the service's own schema (its Flyway migrations), for tests below the HTTP layer. */
public final class MigratedDatabases {

    private MigratedDatabases() {}

    /** Applies every migration of the service to {@code database}, and returns it. */
    public static <T extends DataSource> T migrated(T database) {
        Flyway.configure()
                .dataSource(database)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return database;
    }

    /**
     * A fresh in-memory H2 database named {@code name} (made unique) in the PostgreSQL mode the
     * service runs H2 in, migrated, kept until the JVM ends.
     */
    public static JdbcDataSource h2InMemory(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + "-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        return migrated(dataSource);
    }
}
