package io.trainyard.security;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What one owner uses, read straight from the tables by SQL: active jobs, and the stored bytes of
 * its data sets, models, aliases and job histories ({@code octet_length} of the packed columns, on H2 and
 * PostgreSQL alike). Asked only when something is about to be created, never on reads.
 */
@Component
class Usage {

    private final JdbcClient jdbc;

    Usage(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queued plus running jobs of this owner. */
    int activeJobs(String owner) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE owner = :owner AND status IN ('QUEUED', 'RUNNING')")
                .param("owner", owner)
                .query(Integer.class)
                .single();
    }

    /**
     * Bytes this owner keeps: data sets (all their parts, validation included: left out, a data set's
     * validation rows were stored free of any quota; inline job data too; their column names and name),
     * models (weights, preprocessing, and the text stored beside them: the input and output column names,
     * the spec and lineage, which an import fills at will: left out, 1,024 names of 200 emoji, 800 KB a
     * model, were stored beside 8 KB of counted weights), aliases and every change of them (a PUT adds a
     * row to the history, which no request deletes), and histories (both levels: what {@code
     * trainyard.history.retention} drops shows here). Text counts its UTF-8 bytes as stored; fixed-width
     * columns (ids aside) are not counted.
     */
    long storedBytes(String owner) {
        return jdbc.sql("""
                SELECT
                  (SELECT COALESCE(SUM(octet_length(train_x) + octet_length(train_y)
                          + COALESCE(octet_length(test_x), 0) + COALESCE(octet_length(test_y), 0)
                          + COALESCE(octet_length(validation_x), 0) + COALESCE(octet_length(validation_y), 0)
                          + octet_length(columns_json) + octet_length(name)), 0)
                     FROM datasets WHERE owner = :owner)
                + (SELECT COALESCE(SUM(octet_length(parameters) + COALESCE(octet_length(preprocessing_mean), 0)
                          + COALESCE(octet_length(preprocessing_std), 0) + octet_length(layer_sizes)
                          + COALESCE(octet_length(input_columns), 0) + COALESCE(octet_length(spec), 0)
                          + COALESCE(octet_length(dataset_name), 0) + COALESCE(octet_length(matrix_products), 0)), 0)
                     FROM models WHERE owner = :owner)
                + (SELECT COALESCE(SUM(octet_length(name) + octet_length(model_id)), 0)
                     FROM aliases WHERE owner = :owner)
                + (SELECT COALESCE(SUM(octet_length(alias_name) + COALESCE(octet_length(model_id), 0)
                          + COALESCE(octet_length(previous_model_id), 0) + octet_length(changed_by)), 0)
                     FROM alias_history WHERE owner = :owner)
                + (SELECT COALESCE(SUM(octet_length(h.train) + COALESCE(octet_length(h.validation), 0)
                          + COALESCE(octet_length(h.test), 0) + octet_length(h.gradient_norms)
                          + COALESCE(octet_length(h.weight_norms), 0)), 0)
                     FROM job_history h JOIN jobs j ON j.id = h.job_id WHERE j.owner = :owner)
                + (SELECT COALESCE(SUM(octet_length(c.iterations) + octet_length(c.train)
                          + COALESCE(octet_length(c.validation), 0) + COALESCE(octet_length(c.test), 0)
                          + octet_length(c.gradient_norms) + COALESCE(octet_length(c.weight_norms), 0)), 0)
                     FROM job_history_coarse c JOIN jobs j ON j.id = c.job_id WHERE j.owner = :owner)""").param("owner", owner).query(Long.class).single();
    }
}
