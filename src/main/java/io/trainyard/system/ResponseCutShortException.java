package io.trainyard.system;

/**
 * A streamed response failed after its status and first bytes were sent, so no error status can be
 * sent any more. {@link ApiExceptionHandler} lets it through to the servlet container, which then
 * closes the connection without ending the body: every HTTP client sees a broken transfer instead
 * of a shorter body that looks complete. The message is logged.
 */
public class ResponseCutShortException extends RuntimeException {

    public ResponseCutShortException(String message) {
        super(message);
    }
}
