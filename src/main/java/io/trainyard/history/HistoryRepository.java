package io.trainyard.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.job.JobStatus;
import io.trainyard.system.DoubleArrays;
import io.trainyard.system.Rows;

/**
 * Loss and gradient-norm histories, stored as packed batches of points (one row per batch). A
 * job's rows go with the job (foreign key, on delete cascade).
 */
@Repository
public class HistoryRepository {

    /** The statuses of finished jobs, as an SQL list. */
    private static final String TERMINAL = Arrays.stream(JobStatus.values())
            .filter(JobStatus::isTerminal)
            .map(status -> "'" + status.name() + "'")
            .collect(Collectors.joining(", "));

    /** Batches per query of a paged read: at most 4 × 4,096 points. */
    private static final int PAGE_ROWS = 4;

    private final JdbcClient jdbc;

    HistoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a batch and its coarse level together: a downsampled read never sees one without the
     * other. Joins the caller's transaction: a job's last batch is stored with its outcome.
     */
    @Transactional
    public void insert(HistoryChunk chunk) {
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
        insertCoarse(CoarseLevel.of(chunk));
    }

    private void insertCoarse(CoarseLevel.Row coarse) {
        double[] iterations = new double[coarse.iterations().length];
        for (int k = 0; k < iterations.length; k++) {
            iterations[k] = coarse.iterations()[k];
        }
        jdbc.sql("""
                INSERT INTO job_history_coarse (job_id, first_iteration, point_count, kept_count, layers, iterations,
                    train, validation, test, gradient_norms, weight_norms)
                VALUES (:job, :first, :count, :kept, :layers, :iterations, :train, :validation, :test, :norms,
                    :weightNorms)""")
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
                .param("weightNorms", coarse.weightNorms() == null ? null : DoubleArrays.encode(coarse.weightNorms()))
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
                .query((rs, row) -> coarse(jobId, rs))
                .list();
    }

    private static CoarseLevel.Row coarse(String jobId, ResultSet rs) throws SQLException {
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
                DoubleArrays.decode(rs.getBytes("gradient_norms")),
                DoubleArrays.decode(rs.getBytes("weight_norms")));
    }

    /** The batches that hold points with iteration greater than {@code since}, in order. */
    List<HistoryChunk> findSince(String jobId, int since) {
        return jdbc.sql("""
                SELECT * FROM job_history WHERE job_id = :job AND first_iteration + point_count - 1 > :since
                ORDER BY first_iteration""")
                .param("job", jobId)
                .param("since", since)
                .query((rs, row) -> chunk(jobId, rs))
                .list();
    }

    /**
     * What the full-resolution batches after {@code since} hold: their rows, their points (all of
     * them, those up to {@code since} in the first batch included) and the first iterations of the
     * first and the last batch (-1 without rows).
     */
    record RawStats(long rows, long points, int firstOfFirst, int firstOfLast) {

        /** Points with iteration greater than {@code since}: batches are contiguous, only the first can straddle it. */
        long pointsAfter(int since) {
            return rows == 0 ? 0 : points - Math.max(0, since - firstOfFirst + 1);
        }
    }

    RawStats rawStats(String jobId, int since) {
        return jdbc.sql("""
                SELECT COUNT(*) AS row_count, COALESCE(SUM(point_count), 0) AS points,
                    COALESCE(MIN(first_iteration), -1) AS first_of_first, COALESCE(MAX(first_iteration), -1) AS first_of_last
                FROM job_history WHERE job_id = :job AND first_iteration + point_count - 1 > :since""")
                .param("job", jobId)
                .param("since", since)
                .query((rs, row) -> new RawStats(
                        rs.getLong("row_count"),
                        rs.getLong("points"),
                        rs.getInt("first_of_first"),
                        rs.getInt("first_of_last")))
                .single();
    }

    /**
     * Hands the batches after {@code since} that start at or before {@code lastFirst} to {@code each},
     * in order, a few rows per query (keyset paging on the primary key): a reader holds a few batches
     * at a time however long the history, on every database and without a transaction.
     */
    void forEachSince(String jobId, int since, int lastFirst, Consumer<HistoryChunk> each) {
        int after = Integer.MIN_VALUE;
        while (true) {
            List<HistoryChunk> page = jdbc.sql("""
                    SELECT * FROM job_history WHERE job_id = :job AND first_iteration + point_count - 1 > :since
                        AND first_iteration > :after AND first_iteration <= :last
                    ORDER BY first_iteration LIMIT :page""")
                    .param("job", jobId)
                    .param("since", since)
                    .param("after", after)
                    .param("last", lastFirst)
                    .param("page", PAGE_ROWS)
                    .query((rs, row) -> chunk(jobId, rs))
                    .list();
            for (HistoryChunk chunk : page) {
                each.accept(chunk);
                after = chunk.firstIteration();
            }
            if (page.size() < PAGE_ROWS) {
                return;
            }
        }
    }

    /** The full-resolution batch that holds {@code iteration}, if it is stored. */
    public Optional<HistoryChunk> findContaining(String jobId, int iteration) {
        return jdbc.sql("""
                SELECT * FROM job_history WHERE job_id = :job AND first_iteration <= :iteration
                    AND first_iteration + point_count > :iteration""")
                .param("job", jobId)
                .param("iteration", iteration)
                .query((rs, row) -> chunk(jobId, rs))
                .optional();
    }

    /** The coarse row that summarises the batch holding {@code iteration} (which it may not keep). */
    Optional<CoarseLevel.Row> findCoarseContaining(String jobId, int iteration) {
        return jdbc.sql("""
                SELECT * FROM job_history_coarse WHERE job_id = :job AND first_iteration <= :iteration
                    AND first_iteration + point_count > :iteration""")
                .param("job", jobId)
                .param("iteration", iteration)
                .query((rs, row) -> coarse(jobId, rs))
                .optional();
    }

    private static HistoryChunk chunk(String jobId, ResultSet rs) throws SQLException {
        return new HistoryChunk(
                jobId,
                rs.getInt("first_iteration"),
                rs.getInt("point_count"),
                rs.getInt("layers"),
                DoubleArrays.decode(rs.getBytes("train")),
                DoubleArrays.decode(rs.getBytes("validation")),
                DoubleArrays.decode(rs.getBytes("test")),
                DoubleArrays.decode(rs.getBytes("gradient_norms")),
                DoubleArrays.decode(rs.getBytes("weight_norms")));
    }

    /** Whether the job's full-resolution batches were dropped by the retention setting. */
    /** The job's points at full resolution plus those its coarse level keeps. */
    long storedPoints(String jobId) {
        return jdbc.sql("""
                SELECT (SELECT COALESCE(SUM(point_count), 0) FROM job_history WHERE job_id = :job)
                    + (SELECT COALESCE(SUM(kept_count), 0) FROM job_history_coarse WHERE job_id = :job)""").param("job", jobId).query(Long.class).single();
    }

    boolean isPruned(String jobId) {
        return jdbc.sql("SELECT COUNT(*) FROM job_history_pruned WHERE job_id = :job")
                        .param("job", jobId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * Bytes of stored history points (all jobs, both levels), for storage accounting and quotas: what
     * the retention setting gives back shows here.
     */
    public long storedBytes() {
        Long bytes = jdbc.sql("""
                SELECT (SELECT COALESCE(SUM(OCTET_LENGTH(train) + COALESCE(OCTET_LENGTH(validation), 0)
                    + COALESCE(OCTET_LENGTH(test), 0) + OCTET_LENGTH(gradient_norms)
                    + COALESCE(OCTET_LENGTH(weight_norms), 0)), 0) FROM job_history)
                  + (SELECT COALESCE(SUM(OCTET_LENGTH(iterations) + OCTET_LENGTH(train) + COALESCE(OCTET_LENGTH(validation), 0)
                    + COALESCE(OCTET_LENGTH(test), 0) + OCTET_LENGTH(gradient_norms)
                    + COALESCE(OCTET_LENGTH(weight_norms), 0)), 0) FROM job_history_coarse)""").query(Long.class).single();
        return bytes == null ? 0 : bytes;
    }

    /** The database's clock: every instance computes the same retention cutoff from it. */
    Instant databaseNow() {
        return jdbc.sql("SELECT CURRENT_TIMESTAMP")
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
    }

    /**
     * Up to {@code limit} finished jobs (finished before {@code cutoff}) whose full-resolution batches
     * can go: not pruned yet, and every batch has its coarse row (histories stored before the coarse
     * level existed are kept whole, as nothing would be left to read).
     */
    List<String> prunable(Instant cutoff, int limit) {
        return jdbc.sql("""
                SELECT j.id FROM jobs j
                WHERE j.status IN (%s) AND j.finished_at < :cutoff
                  AND NOT EXISTS (SELECT 1 FROM job_history_pruned p WHERE p.job_id = j.id)
                  AND EXISTS (SELECT 1 FROM job_history h WHERE h.job_id = j.id)
                  AND NOT EXISTS (SELECT 1 FROM job_history h WHERE h.job_id = j.id AND NOT EXISTS (
                      SELECT 1 FROM job_history_coarse c WHERE c.job_id = h.job_id AND c.first_iteration = h.first_iteration))
                ORDER BY j.finished_at, j.id LIMIT :limit""".formatted(TERMINAL))
                .param("cutoff", Rows.time(cutoff))
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /**
     * Drops the full-resolution batches of one finished job and marks it, in one transaction, if it
     * still qualifies (the conditions are checked again by the statements themselves). Idempotent and
     * safe to run on several instances at once: a second run deletes nothing and marks nothing.
     *
     * @return whether this call marked the job
     */
    @Transactional
    boolean prune(String jobId, Instant cutoff) {
        int marked = jdbc.sql("""
                INSERT INTO job_history_pruned (job_id, pruned_at)
                SELECT j.id, CURRENT_TIMESTAMP FROM jobs j
                WHERE j.id = :job AND j.status IN (%s) AND j.finished_at < :cutoff
                  AND NOT EXISTS (SELECT 1 FROM job_history_pruned p WHERE p.job_id = j.id)
                  AND NOT EXISTS (SELECT 1 FROM job_history h WHERE h.job_id = j.id AND NOT EXISTS (
                      SELECT 1 FROM job_history_coarse c WHERE c.job_id = h.job_id AND c.first_iteration = h.first_iteration))""".formatted(TERMINAL))
                .param("job", jobId)
                .param("cutoff", Rows.time(cutoff))
                .update();
        if (marked == 0) {
            return false;
        }
        keepBestPoint(jobId);
        jdbc.sql("DELETE FROM job_history WHERE job_id = :job")
                .param("job", jobId)
                .update();
        return true;
    }

    /**
     * Before a job's full batches go: its coarse level keeps early stopping's best point, because a
     * model restored to it holds that point's losses, and the sweep leaderboard reads them from here.
     */
    private void keepBestPoint(String jobId) {
        int iteration = jdbc.sql("SELECT best_iteration FROM jobs WHERE id = :job")
                .param("job", jobId)
                .query((rs, row) -> {
                    int best = rs.getInt(1);
                    return rs.wasNull() ? -1 : best;
                })
                .optional()
                .orElse(-1);
        if (iteration < 0) {
            return;
        }
        Optional<HistoryChunk> full = findContaining(jobId, iteration);
        Optional<CoarseLevel.Row> coarse = findCoarseContaining(jobId, iteration);
        if (full.isEmpty() || coarse.isEmpty()) {
            return;
        }
        CoarseLevel.Row kept = CoarseLevel.withPoint(
                coarse.get(), full.get(), iteration - full.get().firstIteration());
        if (kept != coarse.get()) {
            jdbc.sql("DELETE FROM job_history_coarse WHERE job_id = :job AND first_iteration = :first")
                    .param("job", jobId)
                    .param("first", kept.firstIteration())
                    .update();
            insertCoarse(kept);
        }
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
        jdbc.sql("DELETE FROM job_history_pruned WHERE job_id = :job")
                .param("job", jobId)
                .update();
    }
}
