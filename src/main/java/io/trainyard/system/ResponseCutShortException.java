package io.trainyard.system;

import org.apache.coyote.CloseNowException;

/**
 * A streamed response failed after its status and first bytes were sent, so no error status can be
 * sent any more. {@link ApiExceptionHandler} logs its message (one line) and lets it through to the
 * servlet container, which then closes the connection without ending the body: every HTTP client sees
 * a broken transfer instead of a shorter body that looks complete. It is Tomcat's own signal for that,
 * {@link CloseNowException}, which the container does not log again as a servlet failure with a stack
 * trace: a client sending a bad row late in a large CSV must not be able to fill the log.
 */
public class ResponseCutShortException extends CloseNowException {

    public ResponseCutShortException(String message) {
        super(message);
    }
}
