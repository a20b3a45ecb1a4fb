package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A start that cannot work says why in a few lines (Spring Boot's "APPLICATION FAILED TO START" report
 * with a description and an action), not in a wall of stack trace: a data directory that is a file or
 * cannot be created, a database that cannot be reached, that another process has open or that this
 * user may not write, a negative
 * worker count.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

    @TempDir
    Path temp;

    private static void start(String... args) {
        SpringApplication application = new SpringApplication(TrainyardApplication.class);
        application.run(args);
    }

    private static void assertShortReport(CapturedOutput output, String... phrases) {
        String all = output.getAll();
        assertThat(all)
                .contains("APPLICATION FAILED TO START")
                .contains("Action:")
                .contains(phrases);
        long frames = all.lines().filter(line -> line.strip().startsWith("at ")).count();
        assertThat(frames).as("stack frames printed").isZero();
    }

    @Test
    void aDataDirectoryThatIsAFileIsReportedInAFewLines(CapturedOutput output) throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> start("--server.port=0", "--trainyard.data-dir=" + file));

        assertShortReport(output, "The data directory " + file + " (trainyard.data-dir) cannot be used: it is a file");
        assertThat(file).hasContent("x");
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsReportedInAFewLines(CapturedOutput output) throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        Path below = file.resolve("data");

        assertThatThrownBy(() -> start("--server.port=0", "--trainyard.data-dir=" + below));

        assertShortReport(
                output, "The data directory " + below + " (trainyard.data-dir) cannot be used: it cannot be created");
    }

    @Test
    void anUnreachableDatabaseIsReportedWithItsUrlInAFewLines(CapturedOutput output) {
        // Port 1 on the loopback: nothing listens there, the connection is refused at once.
        assertThatThrownBy(() -> start(
                "--server.port=0",
                "--trainyard.data-dir=" + temp,
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/trainyard?password=secret",
                "--spring.datasource.username=nobody",
                "--spring.datasource.hikari.initialization-fail-timeout=1"));

        assertShortReport(
                output,
                "Could not connect to the database jdbc:postgresql://127.0.0.1:1/trainyard: ",
                "SPRING_DATASOURCE_URL");
        assertThat(output.getAll()).doesNotContain("secret");
    }

    @Test
    void aDataDirectoryWhoseDatabaseAnotherProcessHasOpenIsReportedInAFewLines(CapturedOutput output) throws Exception {
        // An embedded database made by an earlier start, now locked as another instance running on
        // the same directory locks it (H2 allows one process per database file).
        try (Connection first = DriverManager.getConnection("jdbc:h2:file:" + temp.resolve("trainyard"), "sa", "")) {
            first.createStatement().execute("CREATE TABLE kept (id INT)");
        }
        Path file = temp.resolve("trainyard.mv.db");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {

            assertThatThrownBy(() -> start("--server.port=0", "--trainyard.data-dir=" + temp));

            assertShortReport(
                    output,
                    "The embedded database in " + temp + " (trainyard.data-dir) is open in another process",
                    "SPRING_DATASOURCE_URL");
        }
    }

    @Test
    void aDatabaseFileThisUserMayNotWriteIsReportedInAFewLines(CapturedOutput output) throws Exception {
        // Root writes a read-only file all the same (DatabaseConnectionFailureAnalyzerTests covers the
        // report with the exception H2 throws).
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes a read-only file all the same");
        try (Connection first = DriverManager.getConnection("jdbc:h2:file:" + temp.resolve("trainyard"), "sa", "")) {
            first.createStatement().execute("CREATE TABLE kept (id INT)");
        }
        Path file = temp.resolve("trainyard.mv.db");
        assertThat(file.toFile().setWritable(false, false)).isTrue();

        assertThatThrownBy(() -> start("--server.port=0", "--trainyard.data-dir=" + temp));

        assertShortReport(output, "The embedded database " + temp.resolve("trainyard") + ".mv.db is read-only");
    }

    @Test
    void aDatabaseUrlThatIsNotAJdbcUrlIsReportedInAFewLines(CapturedOutput output) {
        assertThatThrownBy(() -> start(
                "--server.port=0",
                "--trainyard.data-dir=" + temp,
                "--spring.datasource.url=postgres://127.0.0.1:1/trainyard"));

        assertShortReport(
                output, "The database URL postgres://127.0.0.1:1/trainyard cannot be used: ", "SPRING_DATASOURCE_URL");
    }

    @Test
    void aNegativeWorkerCountIsRefused(CapturedOutput output) {
        assertThatThrownBy(() -> start("--server.port=0", "--trainyard.data-dir=" + temp, "--trainyard.workers=-1"));

        assertShortReport(
                output, "trainyard.workers must be 0 (one worker per core) or a positive number of workers, got -1");
    }
}
