package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One look at the queue per job announced, and no announcement lost when nobody waits. */
class WorkSignalTests {

    private static final long HOUR = 3_600_000;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<WorkSignal> signals = new ArrayList<>();

    @AfterEach
    void stopWaiters() throws InterruptedException {
        stop.set(true);
        signals.forEach(WorkSignal::announceAll);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    /** Starts {@code count} workers that wait once each; {@code woken} counts those that returned. */
    private void waiters(WorkSignal signal, int count, AtomicInteger woken) {
        signals.add(signal);
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(() -> {
                try {
                    signal.await(HOUR, stop::get);
                    if (!stop.get()) {
                        woken.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(thread);
            thread.start();
        }
        await().until(() -> signal.waiting() == count);
    }

    @ParameterizedTest(name = "{1} job(s) announced to {0} waiting workers")
    @CsvSource({"2, 1", "3, 2", "2, 5"})
    void asManyWorkersWakeAsJobsWereAnnouncedAndTheOthersSleepOn(int workers, int jobs) {
        WorkSignal signal = new WorkSignal(workers);
        AtomicInteger woken = new AtomicInteger();
        waiters(signal, workers, woken);

        signal.announce(jobs);

        int expected = Math.min(workers, jobs);
        await().until(() -> woken.get() == expected && signal.waiting() == workers - expected);
        assertThat(signal.tickets()).isZero();
        assertThat(woken).hasValue(expected);
    }

    @Test
    void anAnnouncementNobodyWaitedForIsKeptForTheNextThatWaits() throws InterruptedException {
        WorkSignal signal = new WorkSignal(2);
        signal.announce(1);

        AtomicInteger woken = new AtomicInteger();
        Thread late = new Thread(() -> {
            try {
                signal.await(HOUR, stop::get);
                woken.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(late);
        late.start();

        await().until(() -> woken.get() == 1);
        assertThat(signal.tickets()).isZero();
    }

    @Test
    void aLookCoversEveryJobAnnouncedBeforeIt() {
        WorkSignal signal = new WorkSignal(4);
        signal.announce(3);
        assertThat(signal.tickets()).isEqualTo(3);

        signal.looking();

        assertThat(signal.tickets()).isZero();
    }

    @Test
    void looksOwedAreAtMostOnePerWorker() {
        WorkSignal signal = new WorkSignal(2);
        signal.announce(200);
        signal.announce(1);

        assertThat(signal.tickets()).isEqualTo(2);
    }

    @Test
    void announcingToAllWakesEveryWaitingWorker() {
        WorkSignal signal = new WorkSignal(3);
        AtomicInteger woken = new AtomicInteger();
        waiters(signal, 3, woken);

        signal.announceAll();

        await().until(() -> woken.get() == 3);
    }

    @Test
    void withoutTicketsAWaitEndsAtItsTimeout() throws InterruptedException {
        WorkSignal signal = new WorkSignal(1);
        long start = System.nanoTime();

        signal.await(20, () -> false);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(19_000_000L);
        assertThat(signal.tickets()).isZero();
    }
}
