package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.unit.DataSize;

/**
 * A storing request's reservation ends before its answer reaches the client: a client that sends its
 * next upload the moment it reads an answer must not find the previous one still reserved.
 */
class ReservationEndsWithTheAnswerTests {

    private static final Caller ALICE = new Caller("alice", Role.USER);

    private final StoringRequests storing = new StoringRequests();
    private final QuotaInterceptor quotas = new QuotaInterceptor(
            new QuotaProperties(200, DataSize.ofBytes(4096), 50, 100, 32),
            new Usage(null) {
                @Override
                long storedBytes(String owner) {
                    return 0;
                }
            },
            null,
            storing,
            1_000_000);
    private final ReservationEndsWithTheAnswer filter = new ReservationEndsWithTheAnswer(quotas);

    @AfterEach
    void forgetTheCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void theReservationHasEndedWhenTheAnswerIsFlushed() throws Exception {
        SecurityContextHolder.getContext()
                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(ALICE, null, List.of()));
        MockHttpServletRequest request = upload();
        List<Long> reservedAtEachStep = new ArrayList<>();

        filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
            // the dispatcher: the interceptor admits, the handler answers, afterCompletion comes last
            HttpServletRequest http = (HttpServletRequest) req;
            HttpServletResponse answer = (HttpServletResponse) res;
            assertThat(quotas.preHandle(http, answer, new Object())).isTrue();
            reservedAtEachStep.add(storing.reserved("alice"));
            answer.setStatus(201);
            answer.getOutputStream().write("{\"name\":\"expected\"}".getBytes());
            reservedAtEachStep.add(storing.reserved("alice"));
            answer.flushBuffer(); // the client can read the answer from here on
            reservedAtEachStep.add(storing.reserved("alice"));
            quotas.afterCompletion(http, answer, new Object(), null);
            reservedAtEachStep.add(storing.reserved("alice"));
        });

        assertThat(reservedAtEachStep)
                .as("reserved after admission, while writing, once flushed, after completion")
                .containsExactly(2884L, 2884L, 0L, 0L);
    }

    @Test
    void anAnswerNeverCommittedThroughTheFilterEndsItsReservationOnCompletion() throws Exception {
        SecurityContextHolder.getContext()
                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(ALICE, null, List.of()));
        MockHttpServletRequest request = upload();
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(quotas.preHandle(request, response, new Object())).isTrue();
        assertThat(storing.reserved("alice")).isEqualTo(2884);
        response.setStatus(204);
        quotas.afterCompletion(request, response, new Object(), null);

        assertThat(storing.reserved("alice")).isZero();
    }

    @Test
    void readsPassUnwrapped() throws Exception {
        MockHttpServletRequest read = new MockHttpServletRequest("GET", "/datasets");
        MockHttpServletResponse response = new MockHttpServletResponse();
        List<Object> seen = new ArrayList<>();

        filter.doFilter(read, response, (req, res) -> seen.add(res));

        assertThat(seen).containsExactly(response);
    }

    private static MockHttpServletRequest upload() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/datasets");
        request.setQueryString("name=expected");
        request.setContentType("text/csv");
        request.setContent(new byte[2884]);
        return request;
    }
}
