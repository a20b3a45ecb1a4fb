package io.trainyard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.function.Supplier;

/** Data directories for tests that start the service: a new, empty one for each context. */
public final class DataDirs {

    private DataDirs() {}

    /**
     * For {@code registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-x"))}: a new temporary
     * directory, made when the context reads the property.
     */
    public static Supplier<Object> temporary(String prefix) {
        return () -> {
            try {
                return Files.createTempDirectory(prefix).toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
