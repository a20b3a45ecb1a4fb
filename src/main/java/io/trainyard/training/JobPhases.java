package io.trainyard.training;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where one attempt's wall time went, phase by phase: what makes a small job's fixed cost visible
 * in the log line that ends it and in the {@code trainyard.job.phase} timers.
 */
final class JobPhases {

    /** The phases of an attempt, in the order they run. */
    enum Phase {
        /** Reading the data set, preprocessing, building the network, the fenced start (checkpoint lookup). */
        SETUP("setup"),
        /** The engine's iterations, with the recorder's buffering and checkpoints. */
        TRAINING("training"),
        /** Waiting for the history batches already handed to the writer to be stored. */
        HISTORY("history"),
        /** The last history points, the model, the final losses and the status, in one transaction. */
        OUTCOME("outcome");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Phase, Long> nanos = new EnumMap<>(Phase.class);
    private long mark = System.nanoTime();
    private long cpuMark = cpuNanos();
    private long trainingCpuNanos = -1;

    /** Ends {@code phase} now: it took the time since the previous phase ended (or the attempt began). */
    void end(Phase phase) {
        long now = System.nanoTime();
        long cpu = cpuNanos();
        nanos.merge(phase, now - mark, Long::sum);
        if (phase == Phase.TRAINING && cpu >= 0 && cpuMark >= 0) {
            // Wall time far above CPU time means the training thread waited for a core: a busy machine.
            trainingCpuNanos = cpu - cpuMark;
        }
        mark = now;
        cpuMark = cpu;
    }

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    Map<Phase, Long> nanos() {
        return nanos;
    }

    @Override
    public String toString() {
        StringJoiner joined = new StringJoiner(", ");
        nanos.forEach((phase, n) -> joined.add(phase.label + " " + String.format("%.1f", n / 1e6) + " ms"
                + (phase == Phase.TRAINING && trainingCpuNanos >= 0
                        ? " (CPU " + String.format("%.1f", trainingCpuNanos / 1e6) + " ms)"
                        : "")));
        return joined.toString();
    }
}
