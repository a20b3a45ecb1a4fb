package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.DataDirs;

/**
 * The start-up rehearsal of a job's JSON documents runs against the service's own mapper and submit
 * checks, and leaves no trace: no job, no data set, no attempt.
 */
@SpringBootTest
class JobDocumentsRehearsalTests {

    @Autowired
    JobDocumentsRehearsal rehearsal;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", DataDirs.temporary("trainyard-documents"));
    }

    @Test
    void writesAJobsDocumentsAndStoresNothing() {
        long datasets = count("datasets");

        int written = rehearsal.rehearse();

        // The answer twice (with and without an attempt), the progress event and the stored spec.
        assertThat(written).isGreaterThan(4 * JobDocumentsRehearsal.SAMPLE.length() / 2);
        assertThat(count("jobs")).isZero();
        assertThat(count("job_attempts")).isZero();
        assertThat(count("datasets")).isEqualTo(datasets);
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }
}
