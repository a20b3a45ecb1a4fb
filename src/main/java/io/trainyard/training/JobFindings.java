package io.trainyard.training;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.trainyard.job.JobDiagnostics;
import io.trainyard.nn.Diagnostics;

import tools.jackson.databind.json.JsonMapper;

/**
 * What training found out about a job beyond its losses: its latest diagnostics, at every history
 * flush (fenced by the claim, so an instance that lost the job writes nothing). The last ones, and
 * early stopping's verdict, are written with the final status ({@link JobClaims.FinalRow}).
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
                .param("diagnostics", stored(diagnostics))
                .param("id", jobId)
                .param("instance", instance)
                .update();
    }

    /** Diagnostics as the jobs table keeps them (JSON); a run's last ones go with its final status. */
    String stored(Diagnostics diagnostics) {
        return json.writeValueAsString(JobDiagnostics.from(diagnostics));
    }
}
