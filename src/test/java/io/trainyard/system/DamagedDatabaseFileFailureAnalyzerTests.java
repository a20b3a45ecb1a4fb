package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;

import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.mock.env.MockEnvironment;

/**
 * Which H2 failures are a damaged file (StartupFailureTests damages real files) and which are not
 * this report's business.
 */
class DamagedDatabaseFileFailureAnalyzerTests {

    private static final String H2_URL = "jdbc:h2:file:/srv/trainyard/trainyard;MODE=PostgreSQL;WRITE_DELAY=0";

    private static DamagedDatabaseFileFailureAnalyzer analyzer(String url) {
        return new DamagedDatabaseFileFailureAnalyzer(new MockEnvironment().withProperty("spring.datasource.url", url));
    }

    private static Throwable atStartUp(DbException h2) {
        return new BeanCreationException("flywayInitializer", "Error creating bean", h2.getSQLException());
    }

    @Test
    void aCorruptedFileIsNamed() {
        var analysis = analyzer(H2_URL).analyze(atStartUp(DbException.get(ErrorCode.FILE_CORRUPTED_1, "x")));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .isEqualTo("The embedded database file /srv/trainyard/trainyard.mv.db is damaged and cannot be read: "
                        + "H2 found its contents corrupted.");
        assertThat(analysis.getAction())
                .contains("mv /srv/trainyard/trainyard.mv.db /srv/trainyard/trainyard.mv.db.damaged");
    }

    @Test
    void aFileCutShortIsNamed() {
        var analysis =
                analyzer(H2_URL).analyze(atStartUp(DbException.get(ErrorCode.IO_EXCEPTION_1, new EOFException(), "x")));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("it ends where H2 expects more data");
    }

    @Test
    void anotherInputOutputErrorIsNotCalledADamagedFile() {
        // A failing disk, say: the file may be whole.
        var failure = atStartUp(DbException.get(ErrorCode.IO_EXCEPTION_1, new IOException("Input/output error"), "x"));

        assertThat(analyzer(H2_URL).analyze(failure)).isNull();
    }

    @Test
    void onlyTheEmbeddedDatabaseHasAFileToName() {
        var failure = atStartUp(DbException.get(ErrorCode.FILE_CORRUPTED_1, "x"));

        assertThat(analyzer("jdbc:postgresql://db:5432/trainyard").analyze(failure))
                .isNull();
    }
}
