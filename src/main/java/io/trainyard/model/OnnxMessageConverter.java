package io.trainyard.model;

import java.io.IOException;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Writes a {@link ModelDownload} as an ONNX graph ({@code application/onnx}), as an attachment named
 * after the model. Jackson writes the same download as JSON; Spring's content negotiation (the
 * {@code format} parameter, else {@code Accept}) picks between them.
 */
@Component
class OnnxMessageConverter extends AbstractHttpMessageConverter<ModelDownload> {

    OnnxMessageConverter() {
        super(MediaType.parseMediaType(OnnxExport.MEDIA_TYPE));
    }

    @Override
    protected boolean supports(Class<?> type) {
        return ModelDownload.class.isAssignableFrom(type);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected ModelDownload readInternal(Class<? extends ModelDownload> type, HttpInputMessage input) {
        throw new HttpMessageNotReadableException("ONNX models are written, not read", input);
    }

    @Override
    protected void writeInternal(ModelDownload download, HttpOutputMessage output) throws IOException {
        byte[] onnx = OnnxExport.toBytes(download.stored());
        output.getHeaders()
                .setContentDisposition(ContentDisposition.attachment()
                        .filename("model-" + download.stored().id() + ".onnx")
                        .build());
        output.getHeaders().setContentLength(onnx.length);
        output.getBody().write(onnx);
    }
}
