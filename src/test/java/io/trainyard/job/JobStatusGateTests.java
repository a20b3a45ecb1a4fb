package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.trainyard.support.MigratedDatabases;

/**
 * The gate against a real (in-memory H2, PostgreSQL mode) jobs table: for every (from, to) pair, an
 * allowed move changes exactly the row that is in the source status and bumps its version; a
 * forbidden move fails before any SQL runs and leaves the row alone.
 */
class JobStatusGateTests {

    private static final Set<String> ALLOWED = Set.of(
            "QUEUED->RUNNING",
            "QUEUED->CANCELLED",
            "RUNNING->SUCCEEDED",
            "RUNNING->FAILED",
            "RUNNING->CANCELLED",
            "RUNNING->QUEUED");

    private static JdbcClient jdbc;
    private static JobStatusGate gate;

    @BeforeAll
    static void database() {
        jdbc = JdbcClient.create(MigratedDatabases.h2InMemory("gate"));
        gate = new JobStatusGate(jdbc);
    }

    static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void everyPairIsDecidedByTheTransitionTable(JobStatus from, JobStatus to) {
        String id = insert(from);
        if (ALLOWED.contains(from + "->" + to)) {
            assertThat(gate.move(id, to).from(from).apply()).isTrue();
            assertThat(status(id)).isEqualTo(to.name());
            assertThat(version(id)).isEqualTo(1);
        } else {
            assertThatThrownBy(() -> gate.move(id, to).from(from))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(from + " to " + to);
            assertThat(status(id)).isEqualTo(from.name());
            assertThat(version(id)).isZero();
        }
    }

    @Test
    void aJobNoLongerInTheSourceStatusIsLeftAlone() {
        String id = insert(JobStatus.CANCELLED);
        assertThat(gate.move(id, JobStatus.RUNNING).from(JobStatus.QUEUED).apply())
                .isFalse();
        assertThat(status(id)).isEqualTo("CANCELLED");
    }

    @Test
    void extraConditionsFenceTheMoveAndAssignmentsGoWithIt() {
        String id = insert(JobStatus.RUNNING);
        jdbc.sql("UPDATE jobs SET claimed_by = 'a' WHERE id = :id")
                .param("id", id)
                .update();
        assertThat(gate.move(id, JobStatus.SUCCEEDED)
                        .from(JobStatus.RUNNING)
                        .where("claimed_by = :instance")
                        .param("instance", "b")
                        .apply())
                .isFalse();
        assertThat(gate.move(id, JobStatus.SUCCEEDED)
                        .from(JobStatus.RUNNING)
                        .where("claimed_by = :instance")
                        .set("model_id = :model")
                        .param("instance", "a")
                        .param("model", "m1")
                        .apply())
                .isTrue();
        assertThat(jdbc.sql("SELECT model_id FROM jobs WHERE id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("m1");
    }

    @Test
    void aMoveOfManyJobsMovesInOneStatementThoseStillInASourceStatus() {
        String first = insert(JobStatus.QUEUED);
        String second = insert(JobStatus.QUEUED);
        String started = insert(JobStatus.RUNNING);

        int moved = gate.moveAll(List.of(first, second, started), JobStatus.CANCELLED)
                .from(JobStatus.QUEUED)
                .set("finished_at = CURRENT_TIMESTAMP")
                .applyToAll();

        assertThat(moved).isEqualTo(2);
        assertThat(List.of(status(first), status(second), status(started)))
                .containsExactly("CANCELLED", "CANCELLED", "RUNNING");
        assertThat(List.of(version(first), version(second), version(started))).containsExactly(1, 1, 0);
        assertThat(gate.moveAll(List.of(), JobStatus.CANCELLED)
                        .from(JobStatus.QUEUED)
                        .applyToAll())
                .as("no job, no statement")
                .isZero();
        assertThatThrownBy(() -> gate.moveAll(List.of(first, second), JobStatus.RUNNING)
                        .from(JobStatus.QUEUED)
                        .apply())
                .as("apply() is for one job")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMoveWithoutSourcesIsAProgrammingError() {
        assertThatThrownBy(() -> gate.move("x", JobStatus.RUNNING).apply()).isInstanceOf(IllegalStateException.class);
    }

    private static String insert(JobStatus status) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO jobs (id, name, status, spec, dataset_id, layer_sizes, iterations, created_at, owner)
                VALUES (:id, 'gate', :status, '{}', 'hw5', '[5, 1]', 10, CURRENT_TIMESTAMP, 'admin')""").param("id", id).param("status", status.name()).update();
        return id;
    }

    private static String status(String id) {
        return jdbc.sql("SELECT status FROM jobs WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    private static int version(String id) {
        return jdbc.sql("SELECT version FROM jobs WHERE id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }
}
