package io.trainyard.history;

import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

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

    void insert(HistoryChunk chunk) {
        jdbc.sql("""
                INSERT INTO job_history (job_id, first_iteration, point_count, layers, train, validation, test,
                    gradient_norms)
                VALUES (:job, :first, :count, :layers, :train, :validation, :test, :norms)""")
                .param("job", chunk.jobId())
                .param("first", chunk.firstIteration())
                .param("count", chunk.count())
                .param("layers", chunk.layers())
                .param("train", DoubleArrays.encode(chunk.train()))
                .param("validation", chunk.validation() == null ? null : DoubleArrays.encode(chunk.validation()))
                .param("test", chunk.test() == null ? null : DoubleArrays.encode(chunk.test()))
                .param("norms", DoubleArrays.encode(chunk.gradientNorms()))
                .update();
    }

    /** The batches that hold points with iteration greater than {@code since}, in order. */
    List<HistoryChunk> findSince(String jobId, int since) {
        return jdbc.sql("""
                SELECT * FROM job_history WHERE job_id = :job AND first_iteration + point_count - 1 > :since
                ORDER BY first_iteration""")
                .param("job", jobId).param("since", since)
                .query((rs, row) -> new HistoryChunk(jobId, rs.getInt("first_iteration"), rs.getInt("point_count"),
                        rs.getInt("layers"), DoubleArrays.decode(rs.getBytes("train")),
                        DoubleArrays.decode(rs.getBytes("validation")), DoubleArrays.decode(rs.getBytes("test")),
                        DoubleArrays.decode(rs.getBytes("gradient_norms"))))
                .list();
    }

    /**
     * Keeps a job's history up to and including {@code iteration} and drops every later point, so
     * a job resumed from a checkpoint at that iteration continues without a gap or a duplicate.
     * The batch that straddles the iteration is cut; call inside the fenced transaction of the
     * worker that resumes.
     */
    public void keepUpTo(String jobId, int iteration) {
        jdbc.sql("DELETE FROM job_history WHERE job_id = :job AND first_iteration > :iteration")
                .param("job", jobId).param("iteration", iteration).update();
        for (HistoryChunk straddling : findSince(jobId, iteration)) {
            int keep = iteration - straddling.firstIteration() + 1;
            jdbc.sql("DELETE FROM job_history WHERE job_id = :job AND first_iteration = :first")
                    .param("job", jobId).param("first", straddling.firstIteration()).update();
            insert(new HistoryChunk(jobId, straddling.firstIteration(), keep, straddling.layers(),
                    Arrays.copyOf(straddling.train(), keep),
                    straddling.validation() == null ? null : Arrays.copyOf(straddling.validation(), keep),
                    straddling.test() == null ? null : Arrays.copyOf(straddling.test(), keep),
                    Arrays.copyOf(straddling.gradientNorms(), keep * straddling.layers())));
        }
    }

    /** Drops a job's history, e.g. before an interrupted job is trained again from its seed. */
    public void deleteAll(String jobId) {
        jdbc.sql("DELETE FROM job_history WHERE job_id = :job").param("job", jobId).update();
    }
}
