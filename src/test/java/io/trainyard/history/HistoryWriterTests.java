package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Once a batch of an attempt could not be stored, no later batch of that attempt is: what the
 * database holds of a history is always a prefix of the run. Before, the batches queued behind a
 * failed one were stored once the database came back, and the stored history had a 4,096-point gap.
 */
class HistoryWriterTests {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final HistoryRepository repository = mock(HistoryRepository.class);
    private final List<Integer> stored = Collections.synchronizedList(new ArrayList<>());
    private final List<String> alongside = Collections.synchronizedList(new ArrayList<>());
    private HistoryWriter writer;

    /** Runs each batch's work as its transaction would, without a database. */
    private static final TransactionTemplate NO_DATABASE = new TransactionTemplate() {
        @Override
        public <T> T execute(TransactionCallback<T> action) {
            return action.doInTransaction(new SimpleTransactionStatus());
        }
    };

    private HistoryWriter writer(Duration retryFor) {
        doAnswer(call -> stored.add(call.<HistoryChunk>getArgument(0).firstIteration()))
                .when(repository)
                .insert(argThat(chunk -> chunk != null));
        writer = new HistoryWriter(repository, NO_DATABASE, retryFor);
        return writer;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (writer != null) {
            writer.destroy();
        }
    }

    private static HistoryChunk batch(int first) {
        return new HistoryChunk("j", first, 2, 1, new double[2], null, null, new double[2]);
    }

    private Future<Boolean> write(HistoryWriter.Sequence sequence, int first) {
        return sequence.write(batch(first), () -> true, () -> alongside.add("checkpoint at " + (first + 1)));
    }

    @Test
    void afterAFailedBatchNoLaterBatchOfTheAttemptIsStoredNorTheCheckpointsWithThem() throws Exception {
        HistoryWriter writer = writer(LEASE);
        DataIntegrityViolationException refused = new DataIntegrityViolationException("duplicate key");
        doThrow(refused).when(repository).insert(argThat(chunk -> chunk != null && chunk.firstIteration() == 2));
        HistoryWriter.Sequence attempt = writer.sequence("j");

        Future<Boolean> first = write(attempt, 0);
        Future<Boolean> failed = write(attempt, 2);
        Future<Boolean> next = write(attempt, 4);
        Future<Boolean> last = write(attempt, 6);

        assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(catchThrowable(() -> failed.get(5, TimeUnit.SECONDS)))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isSameAs(refused);
        for (Future<Boolean> dropped : List.of(next, last)) {
            assertThat(catchThrowable(() -> dropped.get(5, TimeUnit.SECONDS)))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(HistoryWriter.BatchDroppedException.class)
                    .cause()
                    .as("what the attempt's runner classifies: the first failure")
                    .isSameAs(refused);
        }
        assertThat(stored).as("a prefix of the run").containsExactly(0);
        assertThat(alongside).containsExactly("checkpoint at 1");

        HistoryWriter.Sequence nextAttempt = writer.sequence("j");
        assertThat(write(nextAttempt, 0).get(5, TimeUnit.SECONDS))
                .as("the next attempt's batches are its own")
                .isTrue();
    }

    @Test
    void aBatchTheDatabaseCouldNotTakeForAMomentIsTriedAgainAndTheOnesBehindItFollowInOrder() throws Exception {
        HistoryWriter writer = writer(LEASE);
        AtomicInteger refusals = new AtomicInteger();
        doAnswer(call -> {
                    if (refusals.incrementAndGet() <= 2) {
                        throw new CannotCreateTransactionException("Could not open JDBC Connection");
                    }
                    return stored.add(2);
                })
                .when(repository)
                .insert(argThat(chunk -> chunk != null && chunk.firstIteration() == 2));
        HistoryWriter.Sequence attempt = writer.sequence("j");

        List<Future<Boolean>> batches = List.of(write(attempt, 0), write(attempt, 2), write(attempt, 4));

        for (Future<Boolean> batch : batches) {
            assertThat(batch.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(refusals).hasValue(3);
        assertThat(stored).containsExactly(0, 2, 4);
    }

    @Test
    void aDatabaseGoneForLongerThanTheLeaseFailsTheBatchAndDropsTheRest() throws Exception {
        HistoryWriter writer = writer(Duration.ofMillis(300));
        CannotCreateTransactionException gone = new CannotCreateTransactionException("Could not open JDBC Connection");
        doThrow(gone).when(repository).insert(argThat(chunk -> chunk != null && chunk.firstIteration() == 2));
        HistoryWriter.Sequence attempt = writer.sequence("j");

        Future<Boolean> first = write(attempt, 0);
        Future<Boolean> failed = write(attempt, 2);
        Future<Boolean> dropped = write(attempt, 4);

        assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(catchThrowable(() -> failed.get(10, TimeUnit.SECONDS)))
                .cause()
                .isSameAs(gone);
        assertThat(catchThrowable(() -> dropped.get(5, TimeUnit.SECONDS)))
                .cause()
                .isInstanceOf(HistoryWriter.BatchDroppedException.class);
        assertThat(stored).containsExactly(0);
    }

    @Test
    void anAttemptThatStoppedOnItsOwnGetsNothingMoreStored() throws Exception {
        HistoryWriter writer = writer(LEASE);
        HistoryWriter.Sequence attempt = writer.sequence("j");
        assertThat(write(attempt, 0).get(5, TimeUnit.SECONDS)).isTrue();

        attempt.stop(new CannotCreateTransactionException("Could not open JDBC Connection"));
        Future<Boolean> after = write(attempt, 2);

        assertThat(catchThrowable(() -> after.get(5, TimeUnit.SECONDS)))
                .cause()
                .isInstanceOf(HistoryWriter.BatchDroppedException.class);
        assertThat(stored).containsExactly(0);
        assertThat(alongside).containsExactly("checkpoint at 1");
    }
}
