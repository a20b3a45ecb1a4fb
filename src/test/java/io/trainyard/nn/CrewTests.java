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
    void paceTimesBothWaysThenRunsTheFasterForAStretchThatGrowsWhileItKeepsWinning() {
        Crew.Pace pace = new Crew.Pace();
        // Cycle 1: helped rounds take 10, alone rounds 20: the helpers win.
        assertThat(cycle(pace, 10, 20)).isEqualTo(Crew.Pace.FIRST_STRETCH);
        // Cycle 2: they win again, for a stretch twice as long.
        assertThat(cycle(pace, 10, 20)).isEqualTo(Crew.Pace.FIRST_STRETCH * 2);
        // Cycle 3: the helper lost its core (a stalled round of 5,000 among quick ones): alone wins,
        // for a short stretch.
        assertThat(cycle(pace, 10, 20, 5_000)).isEqualTo(-Crew.Pace.FIRST_STRETCH);
        assertThat(cycle(pace, 30, 20)).isEqualTo(-Crew.Pace.FIRST_STRETCH * 2);
        for (int c = 0; c < 10; c++) {
            cycle(pace, 30, 20);
        }
        assertThat(cycle(pace, 30, 20)).as("capped").isEqualTo(-Crew.Pace.LONGEST_STRETCH);
        assertThat(cycle(pace, 10, 20)).as("short again after a change").isEqualTo(Crew.Pace.FIRST_STRETCH);
    }

    /**
     * Runs one cycle of {@code pace} with the given round times (a stalled helped round first, if
     * any) and returns its stretch: its length, negative when it ran alone.
     */
    private static int cycle(Crew.Pace pace, long helped, long alone, long... stalled) {
        int stalls = 0;
        for (int r = 0; r < 2 * (Crew.Pace.SETTLE + Crew.Pace.TRIAL); r++) {
            boolean isAlone = pace.alone();
            assertThat(isAlone).as("round %d of the trials", r).isEqualTo(r >= Crew.Pace.SETTLE + Crew.Pace.TRIAL);
            if (pace.timed()) {
                pace.took(isAlone, isAlone ? alone : stalls < stalled.length ? stalled[stalls++] : helped);
            }
            pace.next();
        }
        boolean stretchAlone = pace.alone();
        int length = 0;
        do {
            assertThat(pace.alone()).isEqualTo(stretchAlone);
            assertThat(pace.timed()).isFalse();
            length++;
            pace.next();
        } while (!pace.startsCycleForTests() && length <= Crew.Pace.LONGEST_STRETCH);
        return stretchAlone ? -length : length;
    }

    @Test
    void aTaskStopsAskingAHelperThatStallsItsRounds() {
        try (Crew crew = new Crew(1)) {
            stallingHelper(crew);
        }
    }

    private static void stallingHelper(Crew crew) {
        // Shards run by the helper take 200 µs, as if its core were taken in the middle of each; the
        // caller's own take nothing.
        Set<String> ranOn = ConcurrentHashMap.newKeySet();
        boolean[] measuring = {false};
        Crew.Task task = new Crew.Task(2, shard -> {
            if (Thread.currentThread().getName().startsWith("trainyard-kernel-")) {
                if (measuring[0]) {
                    ranOn.add(Thread.currentThread().getName());
                }
                long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
        });
        for (int r = 0; r < 2 * (Crew.Pace.SETTLE + Crew.Pace.TRIAL); r++) {
            crew.run(task);
        }
        assertThat(task.goingAloneForTests())
                .as("alone was faster over the trials")
                .isTrue();
        measuring[0] = true;
        for (int r = 0; r < Crew.Pace.FIRST_STRETCH; r++) {
            crew.run(task);
        }
        assertThat(ranOn)
                .as("no shard was handed to the helper for the stretch")
                .isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
