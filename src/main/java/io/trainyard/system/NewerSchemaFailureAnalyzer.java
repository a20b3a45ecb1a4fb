package io.trainyard.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * An older Trainyard started on a database a newer one has migrated. Flyway ignores no migration in
 * validation here ({@code spring.flyway.ignore-migration-patterns} is empty), so it refuses the start
 * instead of warning and letting old code run on tables it does not know (ops audit); its own report
 * is a stack trace advising to "run repair", which would make that happen. This one names both schema
 * versions and the two ways on. Other validation failures (a changed or deleted script of this build)
 * keep Flyway's report.
 */
class NewerSchemaFailureAnalyzer extends AbstractFailureAnalyzer<FlywayValidateException> {

    /** How Flyway 11 names, one to a line, an applied migration that this build has no script for. */
    private static final Pattern NOT_RESOLVED =
            Pattern.compile("Detected applied migration not resolved locally: (\\S+?)\\.(?:\\s|$)");

    private static final String ACTION = "Run the newer Trainyard (the version that migrated this database, or a "
            + "later one), or go back to this version by restoring a backup of the database taken before the "
            + "upgrade. Do not delete rows of flyway_schema_history or run Flyway repair: the tables would keep the "
            + "newer version's changes.";

    private final Environment environment;

    NewerSchemaFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, FlywayValidateException cause) {
        Optional<MigrationVersion> known = latestKnown();
        Optional<MigrationVersion> applied = latestNotResolved(String.valueOf(cause.getMessage()));
        if (known.isEmpty() || applied.isEmpty() || applied.get().compareTo(known.get()) <= 0) {
            return null;
        }
        return new FailureAnalysis(
                "The database was migrated by a newer Trainyard (schema version "
                        + applied.get().getVersion()
                        + "; this build knows up to " + known.get().getVersion() + "), whose tables this build "
                        + "does not know. Database: "
                        + DatabaseConnectionFailureAnalyzer.withoutQuery(
                                environment.getProperty("spring.datasource.url", "(not set)")),
                ACTION,
                cause);
    }

    private static Optional<MigrationVersion> latestNotResolved(String message) {
        return NOT_RESOLVED
                .matcher(message)
                .results()
                .map(found -> MigrationVersion.fromVersion(found.group(1)))
                .max(Comparator.naturalOrder());
    }

    /** The highest version among this build's versioned scripts ({@code V<version>__<description>.sql}). */
    private Optional<MigrationVersion> latestKnown() {
        String[] locations = environment.getProperty(
                "spring.flyway.locations", String[].class, new String[] {"classpath:db/migration"});
        List<Resource> scripts = new ArrayList<>();
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        for (String location : locations) {
            if (location.startsWith("classpath:")) {
                String folder = location.substring("classpath:".length());
                try {
                    scripts.addAll(List.of(resolver.getResources("classpath*:" + folder + "/V*__*.sql")));
                } catch (IOException e) {
                    return Optional.empty(); // cannot tell what this build knows: Flyway's report stands
                }
            }
        }
        return scripts.stream()
                .map(Resource::getFilename)
                .map(name -> MigrationVersion.fromVersion(name.substring(1, name.indexOf("__"))))
                .max(Comparator.naturalOrder());
    }
}
