package io.trainyard.system;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Makes sure {@code trainyard.data-dir} is a writable directory before anything opens the embedded
 * database in it. Left to H2, a data dir that is a file or cannot be written fails deep inside the
 * connection pool, and the one useful line drowns in a few hundred lines of stack trace; this check
 * fails first, and {@link DataDirectoryFailureAnalyzer} turns it into a short report.
 *
 * <p>Only the embedded database needs the directory at start: with {@code SPRING_DATASOURCE_URL} set to
 * a PostgreSQL URL, nothing is checked (or created) here.
 */
public class DataDirectoryCheck implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("spring.datasource.url", "");
        String dataDir = environment.getProperty("trainyard.data-dir");
        if (!url.startsWith("jdbc:h2:file:") || dataDir == null || dataDir.isBlank()) {
            return;
        }
        check(Path.of(dataDir));
    }

    /**
     * Creates the directory when it is missing.
     *
     * @throws DataDirectoryException when it is not a directory, cannot be created or cannot be written
     */
    static void check(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new DataDirectoryException(absolute, "it is a file, not a directory");
        }
        try {
            Files.createDirectories(absolute);
        } catch (IOException | SecurityException e) {
            throw new DataDirectoryException(absolute, "it cannot be created (" + describe(e) + ")");
        }
        if (!Files.isWritable(absolute) || !Files.isExecutable(absolute)) {
            throw new DataDirectoryException(
                    absolute, "this user (" + System.getProperty("user.name") + ") may not write in it");
        }
    }

    private static String describe(Exception e) {
        // FileSystemException messages are the bare path; the class name says what went wrong.
        String reason = e.getClass().getSimpleName();
        return e instanceof FileSystemException fs && fs.getReason() != null
                ? reason + ": " + fs.getReason() + " at " + fs.getFile()
                : e.getMessage() == null ? reason : reason + ": " + e.getMessage();
    }

    /** The data directory cannot hold the embedded database. */
    public static final class DataDirectoryException extends IllegalStateException {

        private final transient Path dataDir;

        DataDirectoryException(Path dataDir, String problem) {
            super("The data directory " + dataDir + " (trainyard.data-dir) cannot be used: " + problem + ".");
            this.dataDir = dataDir;
        }

        public Path dataDir() {
            return dataDir;
        }
    }
}
