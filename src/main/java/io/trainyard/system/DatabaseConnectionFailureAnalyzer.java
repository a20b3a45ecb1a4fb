package io.trainyard.system;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * A start that could not reach its database (a wrong {@code SPRING_DATASOURCE_URL}, PostgreSQL not
 * running, a wrong user or password, a missing database): the driver's own sentence and the URL, in a
 * short report instead of the hundred-odd lines of bean-creation stack trace it arrives wrapped in.
 */
class DatabaseConnectionFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    private final Environment environment;

    DatabaseConnectionFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        if (!isConnectionFailure(cause)) {
            return null; // not about reaching the database: Spring Boot's report stands
        }
        String url = environment.getProperty("spring.datasource.url", "(not set)");
        return new FailureAnalysis(
                "Could not connect to the database " + withoutQuery(url) + ": " + cause.getMessage(),
                "Check SPRING_DATASOURCE_URL (jdbc:postgresql://host:port/database), SPRING_DATASOURCE_USERNAME and "
                        + "SPRING_DATASOURCE_PASSWORD, and that the database server runs and accepts connections "
                        + "from this host. Without SPRING_DATASOURCE_URL Trainyard uses its embedded database under "
                        + "trainyard.data-dir.",
                cause);
    }

    /**
     * SQLSTATE classes 08 (connection exception) and 28 (invalid authorization), and 3D000 (no such
     * database): what a wrong URL, server, user, password or database name gives.
     */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("28") || state.equals("3D000"));
    }

    /** A URL's parameters may carry a password; the host, port and database say enough. */
    private static String withoutQuery(String url) {
        int semicolon = url.indexOf(';');
        int question = url.indexOf('?');
        int cut = semicolon < 0 ? question : question < 0 ? semicolon : Math.min(semicolon, question);
        return cut < 0 ? url : url.substring(0, cut);
    }
}
