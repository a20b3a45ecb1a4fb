package io.trainyard.system;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * After a request whose body was given up as too slow ({@link RequestSizeLimitFilter} marks it with
 * {@link #ATTRIBUTE}), tells Tomcat not to read the rest of the body before it closes the connection.
 *
 * <p>And a client that sends {@code Expect: 100-continue} is invited to send its body only when the
 * application starts to read it (Tomcat's {@code continueResponseTiming=onRead}): a request refused
 * before that (a quota, a role, the rate) is answered without the {@code 100 Continue} that made the
 * client upload the body anyway, and Tomcat closes the connection after the answer, as the client may
 * still send the body or already the next request.
 *
 * <p>Tomcat otherwise reads ("swallows") up to {@code server.tomcat.max-swallow-size} (2 MB) of an
 * unread body after the answer, before it even sends that answer, so that the connection can be
 * reused: for a client that dribbles its body that read is as slow as the body itself, and the 408
 * would hold the request thread exactly as long as the body it refused. Only the container can stop
 * it ({@code DISABLE_SWALLOW_INPUT}, what Tomcat does itself for an upload it refuses as too large):
 * the answer is then sent and the connection closed.
 */
@Configuration(proxyBeanMethods = false)
public class AbandonedBodies {

    /** A request attribute: present when the rest of the request's body is not to be read. */
    static final String ATTRIBUTE = AbandonedBodies.class.getName() + ".abandoned";

    /** A request attribute: present once something began to read the body (and so asked for the 100). */
    static final String READING = AbandonedBodies.class.getName() + ".reading";

    /** What Tomcat would swallow at most ({@code server.tomcat.max-swallow-size}'s default). */
    static final long MAX_DRAIN = 2L * 1024 * 1024;

    /** The rest of this request's body is not read: the connection is closed after the answer. */
    public static void abandon(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, Boolean.TRUE);
    }

    /**
     * Reads what is left of a body its handler did not read (a request refused or answered before its
     * body was needed), in the calling thread and under the body rules of {@link RequestSizeLimitFilter}
     * (a body that is too slow ends the reading), or abandons it when it is longer than Tomcat would
     * swallow: so that the time a slow body takes stays with the caller that sent it (see
     * {@code security/ConcurrentRequestsLimit}) instead of passing unseen to Tomcat's swallow.
     */
    public static void drainOrAbandon(HttpServletRequest request) {
        if (request.isAsyncStarted() || request.getAttribute(ATTRIBUTE) != null) {
            return;
        }
        try {
            ServletInputStream in = request.getInputStream();
            if (in.isFinished()) {
                return;
            }
            if (request.getAttribute(READING) == null && awaitsContinue(request)) {
                // Reading now would send the 100 Continue that the answer is meant to spare: the client
                // has sent no body yet, and Tomcat closes the connection after a refusal.
                abandon(request);
                return;
            }
            if (request.getContentLengthLong() > MAX_DRAIN) {
                abandon(request);
                return;
            }
            byte[] buffer = new byte[8192];
            long drained = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                drained += n;
                if (drained > MAX_DRAIN) {
                    abandon(request);
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            // Too slow (already marked), the connection broken, or the body read as characters: whatever
            // is left is not read.
            abandon(request);
        }
    }

    /** Whether the client sent {@code Expect: 100-continue}: it waits for the 100 before the body. */
    private static boolean awaitsContinue(HttpServletRequest request) {
        String expect = request.getHeader("Expect");
        return expect != null && expect.trim().equalsIgnoreCase("100-continue");
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> continueOnlyWhenTheBodyIsRead() {
        // Tomcat's default ("immediately") answers 100 Continue as soon as the headers are parsed, before
        // authentication, the rate or the quotas have looked at the request: a refused upload was sent
        // whole all the same. With onRead the 100 goes out at the first read of the body.
        return factory -> factory.addProtocolHandlerCustomizers(protocol -> {
            if (protocol instanceof AbstractHttp11Protocol<?> http) {
                http.setContinueResponseTiming("onRead");
            }
        });
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> abandonedBodiesAreNotSwallowed() {
        // An engine valve: outside the host's error report valve, which would take the error state this sets for an
        // error on a committed answer and cut that answer off.
        return factory -> factory.addEngineValves(new DoNotSwallow());
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
