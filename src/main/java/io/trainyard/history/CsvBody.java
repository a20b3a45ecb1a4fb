package io.trainyard.history;

import java.io.IOException;
import java.io.OutputStream;

/** A CSV response body that writes itself to the response as it is produced (never built as one string). */
@FunctionalInterface
interface CsvBody {

    void writeTo(OutputStream out) throws IOException;
}
