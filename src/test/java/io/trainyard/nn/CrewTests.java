package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The helper threads that take shards of the fused kernel's passes. */
class CrewTests {

    @Test
    void everyShardRunsExactlyOnceARoundWhoeverRunsIt() throws Exception {
        try (Crew crew = new Crew(2)) {
            everyShardRunsExactlyOnce(crew);
        }
    }

    private static void everyShardRunsExactlyOnce(Crew crew) throws InterruptedException {
        int rounds = 20_000;
        AtomicIntegerArray[] counts = {new AtomicIntegerArray(4), new AtomicIntegerArray(3)};
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Crew.Task[] tasks = new Crew.Task[2];
        for (int t = 0; t < 2; t++) {
            AtomicIntegerArray count = counts[t];
            tasks[t] = new Crew.Task(count.length(), shard -> {
                count.incrementAndGet(shard);
                threads.add(Thread.currentThread().getName());
            });
        }
        // Two callers at once, as two jobs would be (one of them not counted as a training run).
        Thread other = new Thread(() -> {
            for (int r = 0; r < rounds; r++) {
                crew.run(tasks[1]);
                for (int s = 0; s < 3; s++) {
                    if (counts[1].get(s) != r + 1) {
                        throw new AssertionError("shard " + s + " ran " + counts[1].get(s) + " times by round " + r);
                    }
                }
            }
        });
        Throwable[] failure = new Throwable[1];
        other.setUncaughtExceptionHandler((thread, e) -> failure[0] = e);
        other.start();
        for (int r = 0; r < rounds; r++) {
            crew.run(tasks[0]);
            for (int s = 0; s < 4; s++) {
                assertThat(counts[0].get(s)).isEqualTo(r + 1);
            }
        }
        other.join(Duration.ofMinutes(1).toMillis());
        assertThat(other.isAlive()).isFalse();
        assertThat(failure[0]).isNull();
        assertThat(threads)
                .as("the callers and at least one helper ran shards")
                .anyMatch(n -> n.startsWith("trainyard-kernel-"));
    }

    @Test
    void aShardsFailureReachesTheCallerAndTheCrewGoesOn() {
        try (Crew crew = new Crew(1)) {
            failureReachesTheCaller(crew);
        }
    }

    private static void failureReachesTheCaller(Crew crew) {
        Crew.Task failing = new Crew.Task(4, shard -> {
            if (shard == 3) {
                throw new IllegalStateException("shard 3 failed");
            }
        });
        assertThatThrownBy(() -> crew.run(failing)).hasMessage("shard 3 failed");
        AtomicIntegerArray count = new AtomicIntegerArray(4);
        crew.run(new Crew.Task(4, count::incrementAndGet));
        for (int s = 0; s < 4; s++) {
            assertThat(count.get(s)).isEqualTo(1);
        }
    }

    @Test
    void withSeveralTrainingRunsTheCallerRunsItsShardsItself() {
        try (Crew crew = new Crew(1)) {
            severalRuns(crew);
        }
    }

    private static void severalRuns(Crew crew) {
        Thread caller = Thread.currentThread();
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        Crew.Task task = new Crew.Task(4, shard -> ran.add(Thread.currentThread()));
        crew.enlist();
        crew.enlist();
        try {
            for (int r = 0; r < 1000; r++) {
                crew.run(task);
            }
        } finally {
            crew.dismiss();
            crew.dismiss();
        }
        assertThat(ran).containsExactly(caller);
    }

    @Test
    void aTaskWhoseHelpersGetNoCoreStopsAskingForAWhile() throws Exception {
        try (Crew crew = new Crew(1)) {
            helpersWithoutACore(crew);
        }
    }

    private static void helpersWithoutACore(Crew crew) throws Exception {
        // The only helper is kept busy by another task's shard, as if its core were taken.
        CountDownLatch helperBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        Crew.Task blocker = new Crew.Task(2, shard -> {
            if (Thread.currentThread() != caller
                    && Thread.currentThread().getName().startsWith("trainyard-kernel-")) {
                helperBusy.countDown();
                await(release);
            }
        });
        Thread blocking = new Thread(() -> {
            while (helperBusy.getCount() > 0) {
                crew.run(blocker);
            }
        });
        blocking.start();
        assertThat(helperBusy.await(1, TimeUnit.MINUTES)).isTrue();
        try {
            Crew.Task task = new Crew.Task(4, shard -> {});
            for (int r = 0; r < Crew.WINDOW; r++) {
                assertThat(task.goingAloneForTests()).isFalse();
                crew.run(task);
            }
            assertThat(task.goingAloneForTests())
                    .as("no shard was helped over a whole window")
                    .isTrue();
        } finally {
            release.countDown();
            blocking.join();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
