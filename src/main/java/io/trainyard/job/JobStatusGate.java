package io.trainyard.job;

import java.util.ArrayList;
import java.util.Collection;
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
 * AND status IN (:from) …} ({@code id IN (:ids)} for several jobs moved by one statement). The allowed sources come from {@link JobStatus}'s transition table, so a
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
        return new Move(List.of(id), to);
    }

    /**
     * Starts describing a move of every job in {@code ids} to {@code to}, made by one statement: the
     * jobs still in a source status all move together ({@link Move#applyToAll()}), so nothing can take
     * one of them between the first and the last (a sweep's queued members, cancelled at once).
     */
    public Move moveAll(Collection<String> ids, JobStatus to) {
        return new Move(List.copyOf(ids), to);
    }

    /** A status change being described; {@link #apply()} runs it. */
    public final class Move {

        private final List<String> ids;
        private final JobStatus to;
        private Set<JobStatus> from = EnumSet.noneOf(JobStatus.class);
        private final List<String> assignments = new ArrayList<>();
        private final List<String> conditions = new ArrayList<>();
        private final Map<String, Object> params = new HashMap<>();

        private Move(List<String> ids, JobStatus to) {
            this.ids = ids;
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

        /** Runs the move of one job; false when no row matched (the job is gone or was changed meanwhile). */
        public boolean apply() {
            if (ids.size() != 1) {
                throw new IllegalStateException("apply() moves one job; use applyToAll() for " + ids.size());
            }
            return run() == 1;
        }

        /** Runs the move of every job named; how many moved (those no longer in a source status did not). */
        public int applyToAll() {
            requireSources();
            return ids.isEmpty() ? 0 : run();
        }

        private void requireSources() {
            if (from.isEmpty()) {
                throw new IllegalStateException("a move to " + to + " needs at least one source status");
            }
        }

        private int run() {
            requireSources();
            StringBuilder sql = new StringBuilder("UPDATE jobs SET status = :to, version = version + 1");
            assignments.forEach(a -> sql.append(", ").append(a));
            sql.append(ids.size() == 1 ? " WHERE id = :id" : " WHERE id IN (:ids)")
                    .append(" AND status IN (")
                    .append(from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ")))
                    .append(")");
            conditions.forEach(c -> sql.append(" AND (").append(c).append(")"));
            JdbcClient.StatementSpec statement =
                    jdbc.sql(sql.toString()).params(params).param("to", to.name());
            statement = ids.size() == 1 ? statement.param("id", ids.get(0)) : statement.param("ids", ids);
            return statement.update();
        }
    }
}
