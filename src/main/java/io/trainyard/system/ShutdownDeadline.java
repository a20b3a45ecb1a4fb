package io.trainyard.system;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Keeps the promise that a stopping service exits within {@code trainyard.shutdown-timeout} (10 s):
 * once the application context starts to close, a daemon thread waits until a second before that
 * budget ends and then halts the JVM. The workers already give up on a job after half the budget;
 * what could still hold the process past it is the database pool waiting (up to 10 s more) for a
 * connection busy with a large checkpoint: two jobs of 4 million parameters with Adam, each checkpointing ~100 MB when the stop came,
 * kept the service alive 11–16 s, long enough for a supervisor's own deadline to kill it mid-write.
 * Halting is what that supervisor would do, at a time the operator chose: the database is crash-safe,
 * and a job not yet handed back resumes from its last committed checkpoint, as after a crash.
 *
 * <p>Registered by {@code TrainyardApplication.main} only: a test JVM closes many contexts and must
 * never be halted.
 */
public final class ShutdownDeadline implements ApplicationListener<ContextClosedEvent> {

    private static final Logger log = LoggerFactory.getLogger(ShutdownDeadline.class);

    private final Runnable halt;

    public ShutdownDeadline() {
        this(() -> Runtime.getRuntime().halt(1));
    }

    ShutdownDeadline(Runnable halt) {
        this.halt = halt;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        TrainyardProperties properties = event.getApplicationContext()
                .getBeanProvider(TrainyardProperties.class)
                .getIfAvailable();
        Duration budget = properties != null ? properties.shutdownTimeout() : Duration.ofSeconds(10);
        // A second before the budget ends: the signal reached the JVM a little before this event, and the
        // halt itself takes a moment; the process is then gone within the budget, as seen from outside.
        start(budget.compareTo(Duration.ofSeconds(2)) >= 0 ? budget.minusSeconds(1) : budget);
    }

    /** Starts the countdown: {@code halt} runs after {@code budget} unless the JVM has exited by then. */
    Thread start(Duration budget) {
        Thread countdown = new Thread(
                () -> {
                    try {
                        Thread.sleep(budget.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    log.warn(
                            "Still stopping {} ms after the stop began (trainyard.shutdown-timeout): exiting now; "
                                    + "a job not yet handed back resumes from its last checkpoint",
                            budget.toMillis());
                    halt.run();
                },
                "trainyard-shutdown-deadline");
        countdown.setDaemon(true);
        countdown.start();
        return countdown;
    }
}
