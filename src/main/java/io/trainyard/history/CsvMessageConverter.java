package io.trainyard.history;

import java.io.IOException;

import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/** Streams {@link CsvBody} responses as {@code text/csv}. */
@Component
class CsvMessageConverter extends AbstractHttpMessageConverter<CsvBody> {

    CsvMessageConverter() {
        super(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    protected boolean supports(Class<?> type) {
        return CsvBody.class.isAssignableFrom(type);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected CsvBody readInternal(Class<? extends CsvBody> type, HttpInputMessage input) {
        throw new HttpMessageNotReadableException("CSV bodies are written, not read", input);
    }

    @Override
    protected void writeInternal(CsvBody body, HttpOutputMessage output) throws IOException {
        body.writeTo(output.getBody());
    }
}
