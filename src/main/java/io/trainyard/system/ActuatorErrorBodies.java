package io.trainyard.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Gives the actuator's bodiless errors a problem body: {@code GET /actuator/health/foo} (no such health
 * group or component) is answered by the actuator with a bare 404 and no Content-Type, where every
 * other error of the service is problem+json. Such an answer is turned into the container's error
 * dispatch, which {@link ErrorDispatchController} answers like any other. Only {@code /actuator/**}:
 * elsewhere the controllers answer through the advice already.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class ActuatorErrorBodies extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, answer);
        if (answer.getStatus() >= 400 && answer.getContentSize() == 0 && !response.isCommitted()) {
            int status = answer.getStatus();
            response.sendError(
                    status,
                    status == HttpServletResponse.SC_NOT_FOUND
                            ? "There is no endpoint at " + request.getRequestURI() + "."
                            : null);
            return;
        }
        answer.copyBodyToResponse();
    }
}
