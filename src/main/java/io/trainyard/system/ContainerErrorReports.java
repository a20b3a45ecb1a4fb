package io.trainyard.system;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;

import tools.jackson.databind.json.JsonMapper;

/**
 * Requests Tomcat refuses before any filter or servlet sees them (an encoded '/' or '\' in the path,
 * a NUL, a '%' that is no escape, a request line or headers beyond its buffers) are answered by the
 * host's error report valve, whose page is HTML. This swaps Boot's valve for one that writes the same
 * problem+json as {@link ApiExceptionHandler} (same types and titles), since no Spring code runs for
 * such a request and the advice cannot be reached.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrorReports {

    /** After Boot's own customizer, which adds the HTML valve this one replaces. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemJsonErrorReports() {
        return new Customizer();
    }

    private static final class Customizer
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Container host = context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.getPipeline().addValve(new ProblemReportValve());
                if (host instanceof StandardHost standard) {
                    // Otherwise the host adds Tomcat's HTML valve again when it starts.
                    standard.setErrorReportValveClass(ProblemReportValve.class.getName());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    /** Tomcat's report, as RFC 9457 problem+json instead of an HTML page. */
    static final class ProblemReportValve extends ErrorReportValve {

        private static final JsonMapper JSON = JsonMapper.builder().build();
        private static final java.util.Set<String> IMPLEMENTED =
                java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE");

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            // As Tomcat's own report: nothing for a success, for an answer already begun, or twice.
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            Map<String, Object> problem = new LinkedHashMap<>();
            String detail = detail(status, response.getMessage());
            // A 501 is a method the container does not implement (CONNECT), or, for a method it does, a part
            // of the request it does not (Transfer-Encoding: gzip); a 505 a request line of another HTTP
            // version. The last two are a request this server cannot read, which its clients get as a 400
            // like any other: a 5xx would say the server failed (RFC 9112 only suggests the 501).
            if ((status == 501 && IMPLEMENTED.contains(request.getMethod())) || status == 505) {
                detail = status == 505
                        ? "The request line names an HTTP version this server does not speak; send HTTP/1.1."
                        : "The request uses a Transfer-Encoding this server does not take; send the body as it is "
                                + "(with Content-Length) or chunked.";
                status = 400;
                response.setStatus(status);
            }
            URI type = ApiExceptionHandler.typeFor(HttpStatus.valueOf(status));
            problem.put("type", type.toString());
            problem.put("title", title(status));
            problem.put("status", status);
            problem.put("detail", detail);
            try {
                response.setContentType("application/problem+json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Cache-Control", "no-store");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(JSON.writeValueAsString(problem));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the answer cannot be written: nothing more to do.
            }
        }

        private static String title(int status) {
            if (status == 400) {
                return "Invalid request";
            }
            HttpStatus known = HttpStatus.resolve(status);
            return known == null ? "Error" : known.getReasonPhrase();
        }

        private static String detail(int status, String containerMessage) {
            String said = containerMessage == null || containerMessage.isBlank() ? "" : " (" + containerMessage + ")";
            if (status == 400) {
                return "The server refused the request before reading it" + said + ". Check the URL for an encoded "
                        + "'/' or '\\' (%2F, %5C), a NUL (%00), or a '%' not followed by two hex digits, the header "
                        + "values for control characters, and keep the URL and the headers to a few kilobytes.";
            }
            return "The server refused the request before reading it" + said + ".";
        }
    }
}
