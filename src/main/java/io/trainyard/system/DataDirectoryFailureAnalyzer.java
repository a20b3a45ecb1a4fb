package io.trainyard.system;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A start refused by {@link DataDirectoryCheck}: what is wrong with the directory and how to fix it. */
class DataDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryCheck.DataDirectoryException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryCheck.DataDirectoryException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Point trainyard.data-dir (environment variable TRAINYARD_DATA_DIR, or --trainyard.data-dir=...) at a "
                        + "directory this user can write, or at a path where one can be created; the embedded "
                        + "database and the first admin key live there.",
                cause);
    }
}
