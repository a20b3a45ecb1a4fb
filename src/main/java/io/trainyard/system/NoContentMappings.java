package io.trainyard.system;

import java.lang.reflect.Method;

import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * An operation that answers {@code 204 No Content} (every DELETE) sends no representation, so there is
 * nothing for {@code Accept} to choose: its mapping drops the {@code produces} it inherits from its
 * controller ({@code produces = "application/json"} on the class). With it, {@code DELETE} with {@code
 * Accept: text/csv} answered 406 and deleted nothing, a status the OpenAPI document rightly does not
 * list for an operation without a body. Its errors are problem+json whatever the {@code Accept}, as
 * everywhere ({@link ApiExceptionHandler}); a {@code format} it does not know is still a 400.
 */
@Component
class NoContentMappings implements WebMvcRegistrations {

    @Override
    public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
        return new RequestMappingHandlerMapping() {
            @Override
            protected RequestMappingInfo getMappingForMethod(Method method, Class<?> handlerType) {
                RequestMappingInfo info = super.getMappingForMethod(method, handlerType);
                return info != null && answersNoContent(method)
                        ? info.mutate().produces().build()
                        : info;
            }
        };
    }

    static boolean answersNoContent(Method method) {
        ResponseStatus status = AnnotatedElementUtils.findMergedAnnotation(method, ResponseStatus.class);
        return status != null && status.code() == HttpStatus.NO_CONTENT;
    }
}
