package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.h2.message.DbException;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * The key look-up when the database cannot answer it: handed to the problem advice (which answers 503
 * with Retry-After), not thrown out of the security filter chain, where it became a 500 (audit: H2's
 * write failure on a full disk from {@code KeyRepository.findActiveByHash}).
 */
class BearerKeyFilterTests {

    private final KeyRepository repository = mock(KeyRepository.class);
    private final List<Exception> resolved = new ArrayList<>();
    private final HandlerExceptionResolver advice = (request, response, handler, ex) -> {
        resolved.add(ex);
        response.setStatus(503);
        return new ModelAndView();
    };
    private final BearerKeyFilter filter = new BearerKeyFilter(
            ApiKeysTests.apiKeys(
                    repository, new AuthProperties(true, "", Duration.ofSeconds(5), Duration.ofMinutes(1))),
            true,
            advice,
            SecurityConfiguration.publicReads());

    @Test
    void aKeyLookUpThatMeetsH2sFailedWriteIsAnsweredByTheAdviceNotThrown() throws Exception {
        UncategorizedSQLException failedWrite = new UncategorizedSQLException(
                "findActiveByHash",
                "SELECT …",
                DbException.convert(DataUtils.newMVStoreException(
                                DataUtils.ERROR_WRITING_FAILED,
                                "Writing to {0} failed; length {1} at {2}",
                                "channel",
                                4096,
                                0,
                                new IOException("No space left on device")))
                        .getSQLException());
        given(repository.findActiveByHash(anyString())).willThrow(failedWrite);
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = new MockHttpServletResponse();

        filter.doFilter(request(), response, chain);

        assertThat(resolved).containsExactly(failedWrite);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(chain.getRequest()).as("the request went no further").isNull();
    }

    /**
     * A monitor's liveness probe that sends its key: the key is not looked up, so the probe does not
     * depend on the database (it was a 503 once the key had left the cache during an outage).
     */
    @Test
    void aPublicReadIsServedWithoutLookingItsKeyUp() throws Exception {
        given(repository.findActiveByHash(anyString()))
                .willThrow(new DataAccessResourceFailureException("database gone"));
        for (String path : List.of("/actuator/health/liveness", "/actuator/health", "/index.html", "/v3/api-docs")) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
            request.addHeader("Authorization", "Bearer " + ApiKeys.PREFIX + "a-key-that-is-not-in-the-cache");
            MockFilterChain chain = new MockFilterChain();

            filter.doFilter(request, new MockHttpServletResponse(), chain);

            assertThat(chain.getRequest()).as(path).isSameAs(request);
        }
        assertThat(resolved).isEmpty();
        verifyNoInteractions(repository);
    }

    @Test
    void aBugIsStillThrown() {
        IllegalStateException bug = new IllegalStateException("bug");
        given(repository.findActiveByHash(anyString())).willThrow(bug);

        assertThatThrownBy(() -> filter.doFilter(request(), new MockHttpServletResponse(), new MockFilterChain()))
                .isSameAs(bug);
        assertThat(resolved).isEmpty();
    }

    private static MockHttpServletRequest request() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/jobs/j1");
        request.addHeader("Authorization", "Bearer " + ApiKeys.PREFIX + "a-key-that-is-not-in-the-cache");
        return request;
    }
}
