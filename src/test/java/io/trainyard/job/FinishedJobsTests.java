package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.unit.DataSize;

import io.trainyard.security.Caller;
import io.trainyard.security.Role;
import io.trainyard.system.ReadCacheProperties;

import tools.jackson.databind.json.JsonMapper;

/** What the finished-job cache keeps, for whom, and for how long it trusts it. */
class FinishedJobsTests {

    private static final JobSpec SPEC = TestSpecs.small("cached");
    private static final Caller ALICE = new Caller("alice", Role.USER);
    private static final Caller BOB = new Caller("bob", Role.USER);

    private final JobService jobs = mock(JobService.class);
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterEach
    void noCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aFinishedJobIsReadFromTheDatabaseOnceAndItsAnswerKept() {
        FinishedJobs finished = cache(DataSize.ofMegabytes(1));
        TrainingJob job = job("j1", JobStatus.SUCCEEDED, "alice");
        JobResponse answer = answer(job);
        given(jobs.get("j1")).willReturn(job);
        given(jobs.describe(job)).willReturn(answer);
        as(ALICE);

        FinishedJobs.Entry first = finished.read("j1");
        FinishedJobs.Entry second = finished.read("j1");

        assertThat(second.json()).isEqualTo(json.writeValueAsBytes(answer));
        assertThat(second.job()).isEqualTo(first.job()).isEqualTo(job);
        verify(jobs, times(1)).get("j1");
    }

    @Test
    void aQueuedOrRunningJobIsReadAfreshEveryTime() {
        FinishedJobs finished = cache(DataSize.ofMegabytes(1));
        TrainingJob running = job("j1", JobStatus.RUNNING, "alice");
        given(jobs.get("j1")).willReturn(running, job("j1", JobStatus.SUCCEEDED, "alice"));
        given(jobs.describe(org.mockito.ArgumentMatchers.any())).willAnswer(call -> answer(call.getArgument(0)));
        as(ALICE);

        FinishedJobs.Entry whileRunning = finished.read("j1");
        FinishedJobs.Entry once = finished.read("j1");

        assertThat(whileRunning.json())
                .as("described by the caller, with its live progress")
                .isNull();
        assertThat(whileRunning.job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(once.job().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(once.json()).isNotNull();
        verify(jobs, times(2)).get("j1");
    }

    @Test
    void anEvictedJobIsAskedForAgainAndMayBeGone() {
        FinishedJobs finished = cache(DataSize.ofMegabytes(1));
        TrainingJob job = job("j1", JobStatus.FAILED, "alice");
        given(jobs.get("j1")).willReturn(job).willThrow(new JobNotFoundException("j1"));
        given(jobs.describe(job)).willReturn(answer(job));
        as(ALICE);
        finished.read("j1");

        finished.evict("j1");

        assertThatThrownBy(() -> finished.read("j1")).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void theOwnerIsCheckedOnEveryReadOfAKeptAnswer() {
        FinishedJobs finished = cache(DataSize.ofMegabytes(1));
        TrainingJob job = job("j1", JobStatus.CANCELLED, "alice");
        given(jobs.get("j1")).willReturn(job);
        given(jobs.describe(job)).willReturn(answer(job));
        as(ALICE);
        finished.read("j1");

        as(BOB);
        assertThatThrownBy(() -> finished.read("j1")).isInstanceOf(JobNotFoundException.class);
        assertThatThrownBy(() -> finished.get("j1")).isInstanceOf(JobNotFoundException.class);
        as(Caller.LOCAL);
        assertThat(finished.read("j1").json()).as("an admin sees every owner's").isNotNull();
    }

    @Test
    void theKeptAnswersAreBoundedByWeight() {
        // Each entry weighs its JSON plus 2 KiB: 8 KiB hold a handful, never all 50.
        FinishedJobs finished = cache(DataSize.ofKilobytes(8));
        as(ALICE);
        for (int i = 0; i < 50; i++) {
            TrainingJob job = job("j" + i, JobStatus.SUCCEEDED, "alice");
            given(jobs.get(job.id())).willReturn(job);
            given(jobs.describe(job)).willReturn(answer(job));
            finished.read(job.id());
        }

        assertThat(finished.size()).isBetween(1L, 4L);
    }

    private FinishedJobs cache(DataSize size) {
        return new FinishedJobs(jobs, json, new ReadCacheProperties(size, Duration.ofMinutes(5)));
    }

    private static void as(Caller caller) {
        SecurityContextHolder.getContext()
                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(caller, null, List.of()));
    }

    private static TrainingJob job(String id, JobStatus status, String owner) {
        TrainingJob queued =
                TrainingJob.queued(id, SPEC, null, List.of(5, 5, 1), Instant.parse("2026-01-01T00:00:00Z"));
        return new TrainingJob(
                id,
                SPEC,
                null,
                queued.layerSizes(),
                status,
                queued.createdAt(),
                queued.claim(),
                queued.progress(),
                queued.outcome(),
                queued.findings(),
                owner);
    }

    private static JobResponse answer(TrainingJob job) {
        return JobResponse.from(job, LiveProgress.latest(job, null), List.of());
    }
}
