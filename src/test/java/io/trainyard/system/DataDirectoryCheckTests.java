package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryCheckTests {

    @TempDir
    Path temp;

    @Test
    void aMissingDataDirectoryIsCreated() {
        Path missing = temp.resolve("one/two");

        DataDirectoryCheck.check(missing);

        assertThat(missing).isDirectory();
    }

    @Test
    void aFileIsRefusedAndLeftAlone() throws Exception {
        Path file = Files.writeString(temp.resolve("file"), "x");

        assertThatThrownBy(() -> DataDirectoryCheck.check(file))
                .isInstanceOf(DataDirectoryCheck.DataDirectoryException.class)
                .hasMessage("The data directory " + file
                        + " (trainyard.data-dir) cannot be used: it is a file, not a directory.");
        assertThat(file).hasContent("x");
    }
}
