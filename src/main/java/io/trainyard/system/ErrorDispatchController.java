package io.trainyard.system;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Hidden;

/**
 * The servlet container's error dispatch: errors that were not answered by {@link
 * ApiExceptionHandler} on the way in, such as a method the dashboard page does not take ({@code POST
 * /}, answered by Spring's default resolver with a bare {@code sendError}), {@code TRACE}, or an
 * exception thrown by a filter. Replaces Boot's {@code BasicErrorController}, whose JSON is not
 * problem+json: the error is raised again here, so the one advice answers it like any other.
 */
@Hidden
@RestController
class ErrorDispatchController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    void error(HttpServletRequest request, HttpServletResponse response) throws Throwable {
        if (response.isCommitted()) {
            return; // an answer under way (an event stream) has nothing left to say
        }
        Throwable thrown = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        while (thrown instanceof ServletException && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        if (thrown != null) {
            throw thrown;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(code instanceof Integer status)) {
            // Asked for by its path, not dispatched to: there is no endpoint here.
            throw new ErrorResponseException(
                    HttpStatus.NOT_FOUND,
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.NOT_FOUND, "There is no endpoint at " + request.getRequestURI() + "."),
                    null);
        }
        String path = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String detail = status == HttpStatus.METHOD_NOT_ALLOWED.value()
                // Not request.getMethod(): the error dispatch itself is a GET.
                ? "This method is not supported" + (path == null ? "" : " by " + path) + "; the Allow header lists "
                        + "those that are."
                : message(request, status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        if (path != null) {
            try {
                problem.setInstance(new java.net.URI(path));
            } catch (java.net.URISyntaxException notAUri) {
                // the problem goes without an instance rather than failing over the URL it reports
            }
        }
        throw new ErrorResponseException(HttpStatusCode.valueOf(status), problem, null);
    }

    private static String message(HttpServletRequest request, int status) {
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (message instanceof String text && !text.isBlank()) {
            return text;
        }
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "The request failed with status " + status + "." : known.getReasonPhrase() + ".";
    }
}
