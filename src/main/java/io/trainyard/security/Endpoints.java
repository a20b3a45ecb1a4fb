package io.trainyard.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UrlPathHelper;

/** Which endpoint a request is for, as the handler mappings see it. */
final class Endpoints {

    private Endpoints() {}

    /**
     * The decoded path within the application, without {@code ;} parameters: {@code /%6Aobs} is
     * {@code /jobs}, since Spring MVC routes it there. Checks keyed on the raw {@link
     * HttpServletRequest#getRequestURI()} would let such a spelling past the quotas and the
     * Idempotency-Key.
     */
    static String path(HttpServletRequest request) {
        return UrlPathHelper.defaultInstance.getPathWithinApplication(request);
    }
}
