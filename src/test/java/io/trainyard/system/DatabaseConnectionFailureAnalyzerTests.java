package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationContextException;
import org.springframework.mock.env.MockEnvironment;

/**
 * The start-up report for an embedded database this user may not write, from the very exception H2
 * throws (a test run as root cannot provoke it: root writes a read-only file all the same).
 */
class DatabaseConnectionFailureAnalyzerTests {

    @Test
    void aReadOnlyEmbeddedDatabaseIsNamedWithWhatToDo() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty(
                        "spring.datasource.url", "jdbc:h2:file:/srv/trainyard/trainyard;MODE=PostgreSQL;WRITE_DELAY=0");
        // As the audit saw it: the idempotency store's first DELETE, under Tomcat's start-up.
        Throwable failure = new ApplicationContextException(
                "Unable to start web server",
                new BeanCreationException(
                        "idempotencyFilter",
                        "Error creating bean",
                        DbException.get(ErrorCode.DATABASE_IS_READ_ONLY).getSQLException()));

        FailureAnalysis analysis = new DatabaseConnectionFailureAnalyzer(environment).analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .startsWith("The embedded database /srv/trainyard/trainyard.mv.db is read-only: this user (");
        assertThat(analysis.getAction()).contains("chmod u+w", "chattr -i", "trainyard.data-dir");
    }
}
