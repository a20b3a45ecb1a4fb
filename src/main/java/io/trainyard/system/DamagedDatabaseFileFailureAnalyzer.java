package io.trainyard.system;

import java.io.EOFException;
import java.sql.SQLException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * An embedded database file H2 cannot read (overwritten, or cut short by a full disk or a copy that
 * stopped half-way): which file, and the two ways on, in a short report instead of the bean-creation
 * stack trace it arrives in (ops audit). Nothing here touches the file: it may hold all there is of the
 * jobs and models, and H2's recovery tool may get part of them back.
 */
class DamagedDatabaseFileFailureAnalyzer implements FailureAnalyzer {

    /**
     * H2's "File corrupted while reading record": a store header that does not check out (random bytes,
     * a file overwritten whole) or no complete set of chunks left (a file cut to a quarter).
     */
    private static final int H2_FILE_CORRUPTED = 90030;

    /**
     * H2's "IO Exception", which is about the file itself only when a read ran past its end: a file shorter
     * than its first blocks (4096 bytes of garbage, a file cut to a few bytes). A failing disk gives it too,
     * with another cause, and is not this report's business.
     */
    private static final int H2_IO_EXCEPTION = 90028;

    private static final String ACTION_FORMAT = "Either restore %1$s from a backup, or move it aside "
            + "(mv %1$s %1$s.damaged) and start again with an empty database: the jobs, models, datasets "
            + "and API keys stored in the damaged file are then no longer available (the admin key is set up "
            + "as on a first start). Keep the moved file: H2's recovery tool (org.h2.tools.Recover) "
            + "may get part of it back. Trainyard never deletes or repairs the file itself.";

    private final Environment environment;

    DamagedDatabaseFileFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        String url =
                DatabaseConnectionFailureAnalyzer.withoutQuery(environment.getProperty("spring.datasource.url", ""));
        if (!url.startsWith("jdbc:h2:file:")) {
            return null; // PostgreSQL reports its own storage problems, under other codes
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == H2_FILE_CORRUPTED) {
                return report(url, "H2 found its contents corrupted", sql);
            }
            if (cause instanceof SQLException sql && sql.getErrorCode() == H2_IO_EXCEPTION && readPastTheEnd(sql)) {
                return report(url, "it ends where H2 expects more data (cut short or overwritten)", sql);
            }
        }
        return null;
    }

    private static FailureAnalysis report(String url, String why, SQLException cause) {
        String file = DatabaseConnectionFailureAnalyzer.h2File(url);
        return new FailureAnalysis(
                "The embedded database file " + file + " is damaged and cannot be read: " + why + ".",
                ACTION_FORMAT.formatted(file),
                cause);
    }

    private static boolean readPastTheEnd(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EOFException) {
                return true;
            }
        }
        return false;
    }
}
