package io.trainyard.history;

import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.system.DoubleArrays;

/**
 * Loss and gradient-norm histories, stored as packed batches of points (one row per batch). A
 * job's rows go with the job (foreign key, on delete cascade).
 */
@Repository
public class HistoryRepository {

    private final JdbcClient jdbc;

    HistoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a batch and its coarse level together: a downsampled read never sees one without the other. */
    @Transactional
    void insert(HistoryChunk chunk) {
        jdbc.sql("""
                INSERT INTO job_history (job_id, first_iteration, point_count, layers, train, validation, test,
                    gradient_norms, weight_norms)
                VALUES (:job, :first, :count, :layers, :train, :validation, :test, :norms, :weightNorms)""")
                .param("job", chunk.jobId())
                .param("first", chunk.firstIteration())
                .param("count", chunk.count())
                .param("layers", chunk.layers())
                .param("train", DoubleArrays.encode(chunk.train()))
                .param("validation", chunk.validation() == null ? null : DoubleArrays.encode(chunk.validation()))
                .param("test", chunk.test() == null ? null : DoubleArrays.encode(chunk.test()))
                .param("norms", DoubleArrays.encode(chunk.gradientNorms()))
                .param("weightNorms", chunk.weightNorms() == null ? null : DoubleArrays.encode(chunk.weightNorms()))
                .update();
        CoarseLevel.Row coarse = CoarseLevel.of(chunk);
        double[] iterations = new double[coarse.iterations().length];
        for (int k = 0; k < iterations.length; k++) {
            iterations[k] = coarse.iterations()[k];
        }
        jdbc.sql("""
                INSERT INTO job_history_coarse (job_id, first_iteration, point_count, kept_count, layers, iterations,
                    train, validation, test, gradient_norms)
                VALUES (:job, :first, :count, :kept, :layers, :iterations, :train, :validation, :test, :norms)""")
                .param("job", coarse.jobId())
                .param("first", coarse.firstIteration())
                .param("count", coarse.pointCount())
                .param("kept", iterations.length)
                .param("layers", coarse.layers())
                .param("iterations", DoubleArrays.encode(iterations))
                .param("train", DoubleArrays.encode(coarse.train()))
                .param("validation", coarse.validation() == null ? null : DoubleArrays.encode(coarse.validation()))
                .param("test", coarse.test() == null ? null : DoubleArrays.encode(coarse.test()))
                .param("norms", DoubleArrays.encode(coarse.gradientNorms()))
                .update();
    }

    /**
     * How much of a job's history after {@code since} the coarse level covers: its rows, the points
     * it keeps and the full-resolution points they summarise. Histories stored before the coarse
     * level existed have no coarse rows.
     */
    record CoarseStats(long rows, long kept, long points) {}

    CoarseStats coarseStats(String jobId, int since) {
        return jdbc.sql("""
                SELECT COUNT(*) AS row_count, COALESCE(SUM(kept_count), 0) AS kept, COALESCE(SUM(point_count), 0) AS points
                FROM job_history_coarse WHERE job_id = :job AND first_iteration + point_count - 1 > :since""")
                .param("job", jobId)
                .param("since", since)
                .query((rs, row) -> new CoarseStats(rs.getLong("row_count"), rs.getLong("kept"), rs.getLong("points")))
                .single();
    }

    /** The coarse rows that hold points with iteration greater than {@code since}, in order. */
    List<CoarseLevel.Row> findCoarseSince(String jobId, int since) {
        return jdbc.sql("""
                SELECT * FROM job_history_coarse WHERE job_id = :job AND first_iteration + point_count - 1 > :since
                ORDER BY first_iteration""")
                .param("job", jobId)
                .param("since", since)
                .query((rs, row) -> {
                    double[] its = DoubleArrays.decode(rs.getBytes("iterations"));
                    int[] iterations = new int[its.length];
                    for (int k = 0; k < its.length; k++) {
                        iterations[k] = (int) its[k];
                    }
                    return new CoarseLevel.Row(
                            jobId,
                            rs.getInt("first_iteration"),
                            rs.getInt("point_count"),
                            rs.getInt("layers"),
                            iterations,
                            DoubleArrays.decode(rs.getBytes("train")),
                            DoubleArrays.decode(rs.getBytes("validation")),
                            DoubleArrays.decode(rs.getBytes("test")),
                            DoubleArrays.decode(rs.getBytes("gradient_norms")));
                })
                .list();
    }

    /** The batches that hold points with iteration greater than {@code since}, in order. */
    List<HistoryChunk> findSince(String jobId, int since) {
        return jdbc.sql("""
                SELECT * FROM job_history WHERE job_id = :job AND first_iteration + point_count - 1 > :since
                ORDER BY first_iteration""")
                .param("job", jobId)
                .param("since", since)
                .query((rs, row) -> new HistoryChunk(
                        jobId,
                        rs.getInt("first_iteration"),
                        rs.getInt("point_count"),
                        rs.getInt("layers"),
                        DoubleArrays.decode(rs.getBytes("train")),
                        DoubleArrays.decode(rs.getBytes("validation")),
                        DoubleArrays.decode(rs.getBytes("test")),
                        DoubleArrays.decode(rs.getBytes("gradient_norms")),
                        DoubleArrays.decode(rs.getBytes("weight_norms"))))
                .list();
    }

    /** Bytes of stored history points (all jobs), for storage accounting and quotas. */
    public long storedBytes() {
        Long bytes = jdbc.sql("""
                SELECT COALESCE(SUM(OCTET_LENGTH(train) + COALESCE(OCTET_LENGTH(validation), 0)
                    + COALESCE(OCTET_LENGTH(test), 0) + OCTET_LENGTH(gradient_norms)), 0) FROM job_history""").query(Long.class).single();
        return bytes == null ? 0 : bytes;
    }

    /**
     * Keeps a job's history up to and including {@code iteration} and drops every later point, so
     * a job resumed from a checkpoint at that iteration continues without a gap or a duplicate.
     * The batch that straddles the iteration is cut; call inside the fenced transaction of the
     * worker that resumes.
     */
    public void keepUpTo(String jobId, int iteration) {
        // Each batch has a coarse row under the same key: both levels go (and come back) together.
        for (String table : List.of("job_history", "job_history_coarse")) {
            jdbc.sql("DELETE FROM " + table + " WHERE job_id = :job AND first_iteration > :iteration")
                    .param("job", jobId)
                    .param("iteration", iteration)
                    .update();
        }
        for (HistoryChunk straddling : findSince(jobId, iteration)) {
            int keep = iteration - straddling.firstIteration() + 1;
            for (String table : List.of("job_history", "job_history_coarse")) {
                jdbc.sql("DELETE FROM " + table + " WHERE job_id = :job AND first_iteration = :first")
                        .param("job", jobId)
                        .param("first", straddling.firstIteration())
                        .update();
            }
            insert(new HistoryChunk(
                    jobId,
                    straddling.firstIteration(),
                    keep,
                    straddling.layers(),
                    Arrays.copyOf(straddling.train(), keep),
                    straddling.validation() == null ? null : Arrays.copyOf(straddling.validation(), keep),
                    straddling.test() == null ? null : Arrays.copyOf(straddling.test(), keep),
                    Arrays.copyOf(straddling.gradientNorms(), keep * straddling.layers()),
                    straddling.weightNorms() == null
                            ? null
                            : Arrays.copyOf(straddling.weightNorms(), keep * straddling.layers())));
        }
    }

    /** Drops a job's history, e.g. before an interrupted job is trained again from its seed. */
    @Transactional
    public void deleteAll(String jobId) {
        jdbc.sql("DELETE FROM job_history WHERE job_id = :job")
                .param("job", jobId)
                .update();
        jdbc.sql("DELETE FROM job_history_coarse WHERE job_id = :job")
                .param("job", jobId)
                .update();
    }
}
