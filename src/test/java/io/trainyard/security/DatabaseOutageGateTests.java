package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

import io.trainyard.system.DatabaseReachability;

/**
 * While the readiness check finds the database gone, API requests are handed to the problem advice
 * (503 with Retry-After) before their key is looked up, instead of each waiting for the pool's
 * connection timeout (audit F4: 30–50 s); what needs no database still answers.
 */
class DatabaseOutageGateTests {

    private static final DataAccessResourceFailureException OUTAGE =
            new DataAccessResourceFailureException("the database's latest health check failed");

    private final List<Exception> resolved = new ArrayList<>();
    private final HandlerExceptionResolver advice = (request, response, handler, ex) -> {
        resolved.add(ex);
        response.setStatus(503);
        return new ModelAndView();
    };
    private Optional<DataAccessResourceFailureException> outage = Optional.empty();
    private final DatabaseReachability database = () -> outage;
    private final DatabaseOutageGate gate =
            new DatabaseOutageGate(database, SecurityConfiguration.publicReads(), advice);

    @Test
    void anApiRequestDuringAnOutageIsAnsweredByTheAdviceAtOnce() throws Exception {
        outage = Optional.of(OUTAGE);
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = new MockHttpServletResponse();

        gate.doFilter(request("GET", "/jobs"), response, chain);

        assertThat(resolved).containsExactly(OUTAGE);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(chain.getRequest())
                .as("the key was not looked up, no handler ran")
                .isNull();
    }

    @Test
    void theMetricsEndpointIsAnsweredAtOnceToo() throws Exception {
        outage = Optional.of(OUTAGE);
        MockFilterChain chain = new MockFilterChain();

        gate.doFilter(request("GET", "/actuator/prometheus"), new MockHttpServletResponse(), chain);

        assertThat(resolved).containsExactly(OUTAGE);
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void healthTheDashboardAndTheApiDocumentationNeedNoDatabaseAndPass() throws Exception {
        outage = Optional.of(OUTAGE);
        for (String path : List.of("/actuator/health/readiness", "/actuator/health", "/", "/v3/api-docs")) {
            MockFilterChain chain = new MockFilterChain();

            gate.doFilter(request("GET", path), new MockHttpServletResponse(), chain);

            assertThat(chain.getRequest()).as(path).isNotNull();
        }
        assertThat(resolved).isEmpty();
    }

    @Test
    void aWriteToAPublicPathIsNoReadAndIsAnswered() throws Exception {
        outage = Optional.of(OUTAGE);
        MockFilterChain chain = new MockFilterChain();

        gate.doFilter(request("POST", "/"), new MockHttpServletResponse(), chain);

        assertThat(resolved).containsExactly(OUTAGE);
    }

    @Test
    void requestsPassWhileTheDatabaseAnswers() throws Exception {
        MockFilterChain chain = new MockFilterChain();

        gate.doFilter(request("GET", "/jobs"), new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).isNotNull();
        assertThat(resolved).isEmpty();
    }

    private static MockHttpServletRequest request(String method, String path) {
        // As Tomcat hands it to the filters: the path is the request URI (no servlet path set here).
        return new MockHttpServletRequest(method, path);
    }
}
