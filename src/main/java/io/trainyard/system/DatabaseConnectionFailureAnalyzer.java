package io.trainyard.system;

import java.sql.SQLException;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * A start that could not reach its database (a wrong {@code SPRING_DATASOURCE_URL}, PostgreSQL not
 * running, a wrong user or password, a missing database, a URL that is not a JDBC URL at all, or an
 * embedded database another process has open or this user may not write): the driver's own sentence and the URL, in a short
 * report instead of the hundred-odd lines of bean-creation stack trace it arrives wrapped in.
 */
class DatabaseConnectionFailureAnalyzer implements FailureAnalyzer {

    private final Environment environment;

    DatabaseConnectionFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    private static final String ACTION = "Check SPRING_DATASOURCE_URL (jdbc:postgresql://host:port/database), "
            + "SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD, and that the database server runs and accepts "
            + "connections from this host. Without SPRING_DATASOURCE_URL Trainyard uses its embedded database under "
            + "trainyard.data-dir.";

    private static final String IN_USE_ACTION = "Stop the other process (a Trainyard instance started earlier on the "
            + "same trainyard.data-dir, possibly still stopping), or give this instance its own trainyard.data-dir. The "
            + "embedded database can be opened by one process at a time; several instances share one PostgreSQL "
            + "instead (SPRING_DATASOURCE_URL).";

    /** H2's "Database may be already in use": its file is locked by another process. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    /**
     * H2's "The database is read only": it opens a file it may not write (mode 444, {@code chattr +i},
     * a read-only mount) read-only, and the first write of the start fails, deep inside a web-server or
     * bean-creation stack trace of 180 lines (audit 27).
     */
    private static final int H2_DATABASE_READ_ONLY = 90097;

    private static final String READ_ONLY_ACTION = "Make the file writable by this user (chmod u+w; chattr -i if it "
            + "was made immutable; a read-only mount must be mounted read-write), or point trainyard.data-dir at a "
            + "directory this user can write. Trainyard writes to its database from the moment it starts.";

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        String url = withoutQuery(environment.getProperty("spring.datasource.url", "(not set)"));
        boolean creatingDataSource = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                // Refused before anything was read or written: the other process's database is untouched.
                return new FailureAnalysis(
                        "The embedded database in " + environment.getProperty("trainyard.data-dir", "(not set)")
                                + " (trainyard.data-dir) is open in another process: its file is locked.",
                        IN_USE_ACTION,
                        sql);
            }
            if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_READ_ONLY) {
                return new FailureAnalysis(
                        "The embedded database " + h2File(url) + " is read-only: this user ("
                                + System.getProperty("user.name") + ") may not write it.",
                        READ_ONLY_ACTION,
                        sql);
            }
            if (cause instanceof SQLException sql && isConnectionFailure(sql)) {
                return new FailureAnalysis(
                        "Could not connect to the database " + url + ": " + sql.getMessage(), ACTION, sql);
            }
            if (unsupportedJdbcUrl(url) && isDriverRefusal(cause)) {
                // jdbc:postgres://… (one letter short), jdbc:mysql://…: no driver here takes it, and Hikari's own
                // sentence named the default H2 driver, which sent the operator looking at the wrong database.
                return new FailureAnalysis(
                        "The database URL " + url + " is not one Trainyard supports: it speaks to PostgreSQL "
                                + "(jdbc:postgresql://host:port/database) or to its embedded H2 database.",
                        ACTION,
                        cause);
            }
            creatingDataSource |=
                    cause instanceof BeanCreationException creation && "dataSource".equals(creation.getBeanName());
            if (creatingDataSource && cause.getCause() == null && cause instanceof IllegalArgumentException) {
                // The connection pool refused the URL itself, e.g. postgres://… without the jdbc: prefix.
                return new FailureAnalysis(
                        "The database URL " + url + " cannot be used: " + cause.getMessage(), ACTION, cause);
            }
        }
        return null; // not about reaching the database: Spring Boot's report stands
    }

    /** A JDBC URL of another database than the two this service has drivers for. */
    private static boolean unsupportedJdbcUrl(String url) {
        return url.startsWith("jdbc:") && !url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:");
    }

    /** How the pool says that no driver takes the URL: Hikari's "claims to not accept jdbcUrl", a missing driver class. */
    private static boolean isDriverRefusal(Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return message.contains("claims to not accept jdbcUrl")
                || message.contains("No suitable driver")
                || (cause instanceof ClassNotFoundException && message.endsWith("Driver"));
    }

    /**
     * SQLSTATE classes 08 (connection exception) and 28 (invalid authorization), and 3D000 (no such
     * database): what a wrong URL, server, user, password or database name gives.
     */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("28") || state.equals("3D000"));
    }

    /** The file of an H2 file database ({@code jdbc:h2:file:PATH}: {@code PATH.mv.db}), else the URL. */
    static String h2File(String url) {
        String prefix = "jdbc:h2:file:";
        return url.startsWith(prefix) ? url.substring(prefix.length()) + ".mv.db" : url;
    }

    /** A URL's parameters may carry a password; the host, port and database say enough. */
    static String withoutQuery(String url) {
        int semicolon = url.indexOf(';');
        int question = url.indexOf('?');
        int cut = semicolon < 0 ? question : question < 0 ? semicolon : Math.min(semicolon, question);
        return cut < 0 ? url : url.substring(0, cut);
    }
}
