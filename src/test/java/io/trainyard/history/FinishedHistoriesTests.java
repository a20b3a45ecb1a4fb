package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.trainyard.system.ReadCacheProperties;

/** The kept history answers: one read per question, per-job eviction, and a bound by weight. */
class FinishedHistoriesTests {

    private final FinishedHistories answers =
            new FinishedHistories(new ReadCacheProperties(DataSize.ofKilobytes(16), Duration.ofMinutes(5)));

    @Test
    void eachQuestionIsAnsweredOnceAndEvictionForgetsOnlyThatJob() {
        AtomicInteger reads = new AtomicInteger();
        FinishedHistories.Key losses = new FinishedHistories.Key("a", FinishedHistories.Kind.LOSSES, -1, 500);
        FinishedHistories.Key gradients = new FinishedHistories.Key("a", FinishedHistories.Kind.GRADIENTS, -1, 500);
        FinishedHistories.Key other = new FinishedHistories.Key("b", FinishedHistories.Kind.LOSSES, -1, 500);

        for (int i = 0; i < 3; i++) {
            for (FinishedHistories.Key key : new FinishedHistories.Key[] {losses, gradients, other}) {
                answers.get(key, () -> answer(100, reads));
            }
        }
        assertThat(reads).as("three questions").hasValue(3);

        answers.evict("a");
        answers.get(losses, () -> answer(100, reads));
        answers.get(other, () -> answer(100, reads));
        assertThat(reads).as("only job a's answers were forgotten").hasValue(4);
    }

    @Test
    void theKeptAnswersAreBoundedByWeight() {
        AtomicInteger reads = new AtomicInteger();
        for (int since = 0; since < 100; since++) {
            answers.get(
                    new FinishedHistories.Key("a", FinishedHistories.Kind.LOSSES, since, 500),
                    () -> answer(4000, reads));
        }

        // 16 KiB hold at most four answers of 4,000 bytes (plus their overhead), never a hundred.
        assertThat(answers.size()).isBetween(1L, 4L);
    }

    private static FinishedHistories.Answer answer(int bytes, AtomicInteger reads) {
        reads.incrementAndGet();
        return new FinishedHistories.Answer(new byte[bytes], Resolution.FULL);
    }
}
