package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.job.JobDocumentsRehearsal;
import io.trainyard.job.JobStatus;
import io.trainyard.job.TrainingJob;
import io.trainyard.support.DataDirs;

/**
 * The rehearsal of a job's JSON documents that a ready service runs once goes through the service's
 * own mapper and submit checks, and leaves no trace: no job, no attempt, no data set, no model.
 */
@SpringBootTest
class FirstJobRehearsalTests {

    @Autowired
    JobDocumentsRehearsal documents;

    @Autowired
    EngineWarmup warmup;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-first-job"));
    }

    @Test
    void theDocumentsAreThoseOfTheQuickstartsJobAsTheSubmitResolvesIt() {
        TrainingJob sample = documents.rehearse();

        assertThat(sample.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(sample.spec().name()).isEqualTo("start-up rehearsal");
        // The defaults filled in, as in a stored spec.
        assertThat(sample.spec().optimizer()).isNotNull();
        assertThat(sample.layerSizes()).containsExactly(5, 20, 1);
    }

    @Test
    void itIsRehearsedAndNothingIsStored() {
        long datasets = count("datasets");

        assertThat(warmup.rehearseFirstJob()).isTrue();

        assertThat(count("jobs")).isZero();
        assertThat(count("job_attempts")).isZero();
        assertThat(count("models")).isZero();
        assertThat(count("datasets")).isEqualTo(datasets);
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }
}
