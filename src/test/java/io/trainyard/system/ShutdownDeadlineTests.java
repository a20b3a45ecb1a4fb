package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The countdown that ends a stop which outlives its budget (the halt itself is replaced here). */
class ShutdownDeadlineTests {

    @Test
    void aStopThatOutlivesItsBudgetIsEnded() throws InterruptedException {
        CountDownLatch halted = new CountDownLatch(1);
        Thread countdown = new ShutdownDeadline(halted::countDown).start(Duration.ofMillis(50));

        assertThat(halted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(countdown.isDaemon()).as("never what keeps the JVM alive").isTrue();
    }

    @Test
    void nothingIsEndedBeforeTheBudgetIsSpent() throws InterruptedException {
        CountDownLatch halted = new CountDownLatch(1);
        Thread countdown = new ShutdownDeadline(halted::countDown).start(Duration.ofHours(1));

        assertThat(halted.await(200, TimeUnit.MILLISECONDS)).isFalse();
        countdown.interrupt();
        countdown.join(10_000);
        assertThat(halted.getCount())
                .as("an interrupted countdown halts nothing")
                .isEqualTo(1);
    }

    @Test
    void aRelaunchedChildHaltsEarlierThanAProcessTheSupervisorSignalsItself() {
        assertThat(ShutdownDeadline.countdown(Duration.ofSeconds(10), false)).isEqualTo(Duration.ofSeconds(9));
        assertThat(ShutdownDeadline.countdown(Duration.ofSeconds(10), true)).isEqualTo(Duration.ofMillis(7_500));
        assertThat(ShutdownDeadline.countdown(Duration.ofSeconds(3), true))
                .as("too short a budget to keep anything back")
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(ShutdownDeadline.countdown(Duration.ofSeconds(1), false)).isEqualTo(Duration.ofSeconds(1));
    }
}
