package io.trainyard.job;

import static io.trainyard.job.JobStatus.CANCELLED;
import static io.trainyard.job.JobStatus.FAILED;
import static io.trainyard.job.JobStatus.QUEUED;
import static io.trainyard.job.JobStatus.RUNNING;
import static io.trainyard.job.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobStatusTests {

    private static final Set<String> ALLOWED = Set.of(
            "QUEUED->RUNNING",
            "QUEUED->CANCELLED",
            "RUNNING->SUCCEEDED",
            "RUNNING->FAILED",
            "RUNNING->CANCELLED",
            "RUNNING->QUEUED");

    static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void onlyTheDocumentedMovesAreAllowed(JobStatus from, JobStatus to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.contains(from + "->" + to));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void terminalMeansNoWayOut(JobStatus status) {
        assertThat(status.isTerminal()).isEqualTo(status == SUCCEEDED || status == FAILED || status == CANCELLED);
        assertThat(QUEUED.isTerminal() || RUNNING.isTerminal()).isFalse();
    }

    static Stream<JobStatus> statuses() {
        return Stream.of(JobStatus.values());
    }
}
