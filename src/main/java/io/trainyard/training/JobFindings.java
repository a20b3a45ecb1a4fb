package io.trainyard.training;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.trainyard.job.JobDiagnostics;
import io.trainyard.nn.Diagnostics;

import tools.jackson.databind.json.JsonMapper;

/**
 * What training found out about a job beyond its losses: its latest diagnostics (at every history
 * flush and at the end) and early stopping's verdict. Every write is fenced by the claim, so an
 * instance that lost the job writes nothing.
 */
@Component
class JobFindings {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JobFindings(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void recordDiagnostics(String jobId, String instance, Diagnostics diagnostics) {
        jdbc.sql("UPDATE jobs SET diagnostics = :diagnostics WHERE id = :id AND claimed_by = :instance "
                        + "AND status = 'RUNNING'")
                .param("diagnostics", json.writeValueAsString(JobDiagnostics.from(diagnostics)))
                .param("id", jobId)
                .param("instance", instance)
                .update();
    }

    /** Early stopping's verdict, for a job that has it (both null otherwise). */
    void recordStopping(String jobId, String instance, Boolean stoppedEarly, Integer bestIteration) {
        jdbc.sql("UPDATE jobs SET stopped_early = :stopped, best_iteration = :best WHERE id = :id "
                        + "AND claimed_by = :instance AND status = 'RUNNING'")
                .param("stopped", stoppedEarly)
                .param("best", bestIteration)
                .param("id", jobId)
                .param("instance", instance)
                .update();
    }
}
