package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    void helpersHelpWhileThereAreFewerRunsThanThreads() throws Exception {
        try (Crew crew = new Crew(3)) {
            // Two runs on a crew of four threads (four cores): a core is still free for helpers.
            crew.enlist();
            crew.enlist();
            try {
                Set<String> ran = ConcurrentHashMap.newKeySet();
                Crew.Task task =
                        new Crew.Task(4, shard -> ran.add(Thread.currentThread().getName()));
                for (int r = 0; r < 20_000 && ran.stream().noneMatch(n -> n.startsWith("trainyard-kernel-")); r++) {
                    crew.run(task);
                }
                assertThat(ran).anyMatch(n -> n.startsWith("trainyard-kernel-"));
                // Four runs: every core has one; the caller runs its shards itself.
                crew.enlist();
                crew.enlist();
                Thread caller = Thread.currentThread();
                Set<Thread> alone = ConcurrentHashMap.newKeySet();
                Crew.Task other = new Crew.Task(4, shard -> alone.add(Thread.currentThread()));
                for (int r = 0; r < 1000; r++) {
                    crew.run(other);
                }
                assertThat(alone).containsExactly(caller);
                crew.dismiss();
                crew.dismiss();
            } finally {
                crew.dismiss();
                crew.dismiss();
            }
        }
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

    @Test
    void aCallerRunsALateHelpersShardItselfAndTheLateRunLeavesNoTrace() throws Exception {
        try (Crew crew = new Crew(1)) {
            lateHelper(crew);
        }
    }

    private static void lateHelper(Crew crew) throws Exception {
        CountDownLatch helperStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch helperDone = new CountDownLatch(1);
        AtomicBoolean stallOnce = new AtomicBoolean(true);
        // runs[2·shard] by the caller, runs[2·shard + 1] by the helper
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        Crew.Task task = new Crew.Task(
                2,
                (shard, runner) -> {
                    runs.incrementAndGet(2 * shard + (runner == Crew.CALLER ? 0 : 1));
                    if (runner != Crew.CALLER && stallOnce.compareAndSet(true, false)) {
                        // The helper loses its core in the middle of its shard, for as long as the test says.
                        helperStarted.countDown();
                        try {
                            await(release);
                            throw new IllegalStateException("a late run's failure");
                        } finally {
                            helperDone.countDown();
                        }
                    }
                    if (runner == Crew.CALLER && shard == 0) {
                        await(helperStarted); // so that the helper, not the caller, takes shard 1
                    }
                },
                true);

        crew.run(task);

        assertThat(helperStarted.getCount()).as("the helper took shard 1").isZero();
        assertThat(helperDone.getCount())
                .as("the round ended while the helper was stuck")
                .isOne();
        assertThat(task.winner(1)).as("the caller's run of shard 1 counted").isEqualTo(Crew.CALLER);
        assertThat(runs.get(2)).as("the caller ran shard 1 again").isOne();
        assertThat(crew.backupRuns()).isOne();

        release.countDown();
        assertThat(helperDone.await(1, TimeUnit.MINUTES)).isTrue();
        // The late run failed after its round was over: neither its failure nor its result counts,
        // in this round or the next ones.
        assertThat(task.winner(1)).isEqualTo(Crew.CALLER);
        for (int round = 0; round < 1000; round++) {
            int before0 = runs.get(0) + runs.get(1);
            int before1 = runs.get(2) + runs.get(3);
            crew.run(task);
            assertThat(runs.get(0) + runs.get(1) - before0).isBetween(1, 2);
            assertThat(runs.get(2) + runs.get(3) - before1).isBetween(1, 2);
        }
    }

    @Test
    void withoutBackupsTheCallerWaitsForTheHelpersShard() throws Exception {
        try (Crew crew = new Crew(1)) {
            waitsForTheHelper(crew);
        }
    }

    private static void waitsForTheHelper(Crew crew) throws Exception {
        CountDownLatch helperStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicIntegerArray byCaller = new AtomicIntegerArray(2);
        Thread caller = Thread.currentThread();
        Crew.Task task = new Crew.Task(2, shard -> {
            if (Thread.currentThread() == caller) {
                byCaller.incrementAndGet(shard);
                if (shard == 0) {
                    await(helperStarted);
                }
            } else {
                helperStarted.countDown();
                await(release);
            }
        });
        Thread releaser = new Thread(() -> {
            await(helperStarted);
            release.countDown();
        });
        releaser.start();
        crew.run(task);
        releaser.join();
        assertThat(helperStarted.getCount()).isZero();
        assertThat(byCaller.get(1))
                .as("a task without backups never runs a shard twice")
                .isZero();
        assertThat(crew.backupRuns()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
