package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorDetails;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.mock.env.MockEnvironment;

/**
 * Only a migration newer than every script of this build is a newer Trainyard's (StartupFailureTests
 * starts the service on such a database); Flyway's other validation failures keep Flyway's report.
 */
class NewerSchemaFailureAnalyzerTests {

    private static final NewerSchemaFailureAnalyzer ANALYZER = new NewerSchemaFailureAnalyzer(new MockEnvironment()
            .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/trainyard?password=secret")
            .withProperty("spring.flyway.locations", "classpath:db/migration"));

    /** As Flyway 11 writes it, one of these lines for each applied migration it has no script for. */
    private static Throwable notResolved(String... versions) {
        StringBuilder errors = new StringBuilder();
        for (String version : versions) {
            errors.append("Detected applied migration not resolved locally: ")
                    .append(version)
                    .append(".\nIf you removed this migration intentionally, run repair to mark the migration as "
                            + "deleted.\n");
        }
        return failedValidation(errors.toString().strip());
    }

    private static Throwable failedValidation(String errors) {
        return new BeanCreationException(
                "flywayInitializer",
                "Error creating bean",
                new FlywayValidateException(
                        new ErrorDetails(CoreErrorCode.VALIDATE_ERROR, "Migrations have failed validation"), errors));
    }

    @Test
    void namesTheNewestVersionTheDatabaseHasAndTheNewestThisBuildKnows() {
        var analysis = ANALYZER.analyze(notResolved("17", "18.1", "999"));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .startsWith(
                        "The database was migrated by a newer Trainyard (schema version 999; this build knows up to ")
                .endsWith("Database: jdbc:postgresql://db:5432/trainyard");
        assertThat(analysis.getAction()).contains("Run the newer Trainyard", "restoring a backup");
    }

    @Test
    void aMigrationOfThisBuildThatIsGoneIsNotANewerTrainyards() {
        assertThat(ANALYZER.analyze(notResolved("2"))).isNull();
    }

    @Test
    void otherValidationFailuresKeepFlywaysReport() {
        assertThat(ANALYZER.analyze(failedValidation(
                        "Migration checksum mismatch for migration version 3\n-> Applied to database : 1\n"
                                + "-> Resolved locally    : 2")))
                .isNull();
    }
}
