package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.JsonConfiguration;
import io.trainyard.system.ReadCacheProperties;
import io.trainyard.system.TrainyardProperties;

/** The jobs API's web layer alone: binding, status codes and error mapping, with the service mocked. */
@EnableConfigurationProperties({
    TrainyardProperties.class,
    ReadCacheProperties.class,
    io.trainyard.security.QuotaProperties.class
})
// Authentication is tested over real HTTP (SecurityIntegrationTests); this slice tests the mapping only.
@AutoConfigureMockMvc(addFilters = false)
@WebMvcTest(JobController.class)
@Import({JsonConfiguration.class, FinishedJobs.class})
class JobControllerTests {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    JobService jobs;

    @MockitoBean
    QueueRefusals refusals;

    @MockitoBean
    JobEventStreams events;

    private static final JobSpec SPEC = TestSpecs.small("slice");

    @Test
    void aSubmittedJobIsAcceptedWithItsLocation() {
        TrainingJob job = TrainingJob.queued("j1", SPEC, null, List.of(5, 5, 1), Instant.parse("2026-01-01T00:00:00Z"));
        given(jobs.submit(any())).willReturn(job);
        given(jobs.progress(job)).willReturn(LiveProgress.latest(job, null));

        MvcTestResult result = mvc.post()
                .uri("/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"dataset\": \"hw5\", \"alpha\": 0.001, \"layers\": [5]}")
                .exchange();

        assertThat(result).hasStatus(202).headers().hasValue("Location", "/jobs/j1");
        assertThat(result).bodyJson().extractingPath("$.status").asString().isEqualTo("QUEUED");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.spec.activation")
                .asString()
                .isEqualTo("sigmoid");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.progress.iterations")
                .asNumber()
                .isEqualTo(10);
    }

    @Test
    void aBadSpecIsAProblemListingEveryField() {
        given(jobs.submit(any()))
                .willThrow(new InvalidRequestException(List.of(
                        new FieldError("alpha", "is required"), new FieldError("layers[0]", "needs at least 1 unit"))));

        MvcTestResult result = mvc.post()
                .uri("/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"dataset\": \"hw5\", \"layers\": [0]}")
                .exchange();

        assertThat(result).hasStatus(400).contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result)
                .bodyJson()
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("alpha", "layers[0]");
    }

    @Test
    void unknownFieldsNeverReachTheService() {
        MvcTestResult result = mvc.post()
                .uri("/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"dataset\": \"hw5\", \"alpha\": 0.001, \"alhpa\": 1}")
                .exchange();

        assertThat(result).hasStatus(400);
        assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("alhpa");
        // Only the full-queue check before the body is read (FullQueueInterceptor), which refuses nothing here.
        verify(refusals).refuseEarly();
        verifyNoInteractions(jobs);
    }

    @Test
    void anUnknownJobIs404() {
        given(jobs.get("nope")).willThrow(new JobNotFoundException("nope"));

        assertThat(mvc.get().uri("/jobs/nope").exchange())
                .hasStatus(404)
                .contentType()
                .isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void pageSizesOutOfRangeAre400() {
        assertThat(mvc.get().uri("/jobs?limit=0").exchange()).hasStatus(400);
        assertThat(mvc.get().uri("/jobs?limit=501").exchange()).hasStatus(400);
        assertThat(mvc.get().uri("/jobs?status=DONE").exchange()).hasStatus(400);
        verifyNoInteractions(jobs);
    }

    @Test
    void cancellingAFinishedJobIs409() {
        given(jobs.cancel("j1")).willThrow(new IllegalJobTransitionException("Job j1 is already SUCCEEDED."));

        assertThat(mvc.post().uri("/jobs/j1/cancel").exchange()).hasStatus(409);
    }
}
