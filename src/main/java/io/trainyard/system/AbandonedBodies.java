package io.trainyard.system;

import java.io.IOException;

import jakarta.servlet.ServletException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * After a request whose body was given up as too slow ({@link RequestSizeLimitFilter} marks it with
 * {@link #ATTRIBUTE}), tells Tomcat not to read the rest of the body before it closes the connection.
 *
 * <p>Tomcat otherwise reads ("swallows") up to {@code server.tomcat.max-swallow-size} (2 MB) of an
 * unread body after the answer, before it even sends that answer, so that the connection can be
 * reused: for a client that dribbles its body that read is as slow as the body itself, and the 408
 * would hold the request thread exactly as long as the body it refused. Only the container can stop
 * it ({@code DISABLE_SWALLOW_INPUT}, what Tomcat does itself for an upload it refuses as too large):
 * the answer is then sent and the connection closed.
 */
@Configuration(proxyBeanMethods = false)
class AbandonedBodies {

    /** A request attribute: present when the rest of the request's body is not to be read. */
    static final String ATTRIBUTE = AbandonedBodies.class.getName() + ".abandoned";

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> abandonedBodiesAreNotSwallowed() {
        return factory -> factory.addContextValves(new DoNotSwallow());
    }

    static final class DoNotSwallow extends ValveBase {

        DoNotSwallow() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            try {
                getNext().invoke(request, response);
            } finally {
                if (request.getAttribute(ATTRIBUTE) != null) {
                    request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                }
            }
        }
    }
}
