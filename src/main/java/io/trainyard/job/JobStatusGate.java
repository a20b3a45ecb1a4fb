package io.trainyard.job;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one way a job's status changes: a guarded {@code UPDATE jobs SET status = :to … WHERE id = :id
 * AND status IN (:from) …}. The allowed sources come from {@link JobStatus}'s transition table, so a
 * move the table forbids fails before any SQL runs, and a move whose job is no longer in a source
 * status (another instance, a cancel, a recovery got there first) matches no row and reports false.
 * Every move bumps {@code version}, so a reader holding an older version can fence its own updates.
 */
@Component
public class JobStatusGate {

    private final JdbcClient jdbc;

    JobStatusGate(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Starts describing a move of job {@code id} to {@code to}. */
    public Move move(String id, JobStatus to) {
        return new Move(id, to);
    }

    /** A status change being described; {@link #apply()} runs it. */
    public final class Move {

        private final String id;
        private final JobStatus to;
        private Set<JobStatus> from = EnumSet.noneOf(JobStatus.class);
        private final List<String> assignments = new ArrayList<>();
        private final List<String> conditions = new ArrayList<>();
        private final Map<String, Object> params = new HashMap<>();

        private Move(String id, JobStatus to) {
            this.id = id;
            this.to = to;
        }

        /** The statuses the job may be in for the move to happen; each must be allowed to move to the target. */
        public Move from(JobStatus first, JobStatus... more) {
            this.from = EnumSet.of(first, more);
            for (JobStatus source : from) {
                if (!source.canMoveTo(to)) {
                    throw new IllegalStateException("a job cannot move from " + source + " to " + to);
                }
            }
            return this;
        }

        /** A column assignment made together with the move, e.g. {@code "finished_at = :now"}. */
        public Move set(String assignment) {
            assignments.add(assignment);
            return this;
        }

        /** A further condition, e.g. {@code "claimed_by = :instance"} (a fenced write). */
        public Move where(String condition) {
            conditions.add(condition);
            return this;
        }

        public Move param(String name, Object value) {
            params.put(name, value);
            return this;
        }

        /** Runs the move; false when no row matched (the job is gone or was changed meanwhile). */
        public boolean apply() {
            if (from.isEmpty()) {
                throw new IllegalStateException("a move to " + to + " needs at least one source status");
            }
            StringBuilder sql = new StringBuilder("UPDATE jobs SET status = :to, version = version + 1");
            assignments.forEach(a -> sql.append(", ").append(a));
            sql.append(" WHERE id = :id AND status IN (")
                    .append(from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ")))
                    .append(")");
            conditions.forEach(c -> sql.append(" AND (").append(c).append(")"));
            return jdbc.sql(sql.toString())
                            .params(params)
                            .param("id", id)
                            .param("to", to.name())
                            .update()
                    == 1;
        }
    }
}
