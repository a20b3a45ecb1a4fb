package io.trainyard.system;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Keeps the promise that a stopping service exits within {@code trainyard.shutdown-timeout} (10 s)
 * of the signal, whenever the signal comes.
 *
 * <p><b>A stop of a running service.</b> Once the stop begins, a daemon thread waits until a second
 * before that budget ends and then halts the JVM. The workers already give up on a job after half
 * the budget; what could still hold the process past it is the database pool waiting (up to 10 s
 * more) for a connection busy with a large checkpoint: two jobs of 4 million parameters with Adam,
 * each checkpointing ~100 MB when the stop came, kept the service alive 11–16 s, long enough for a
 * supervisor's own deadline to kill it mid-write. Halting is what that supervisor would do, at a
 * time the operator chose: the database is crash-safe, and a job not yet handed back resumes from
 * its last committed checkpoint, as after a crash.
 *
 * <p><b>A stop during start-up.</b> Spring closes the context only once it is built, and building
 * it took 35–120 s on a loaded two-core machine: a {@code SIGTERM} then took 25–27 s to end the
 * process, which meanwhile opened its port and claimed a queued job only to hand it back (audit 27).
 * So the countdown starts from the JVM's own shutdown hook, the moment the signal arrives, and
 * {@link #stopBegun()} tells the start-up to give up: the engine's warm-up stops, the workers claim
 * nothing, and the context's next bean is refused ({@link StoppedDuringStartup}), which ends the
 * start like a failed one, but quietly ({@link StoppedDuringStartupReporter}) and with the signal's
 * exit status.
 *
 * <p>Registered by {@code TrainyardApplication.main} only: a test JVM closes many contexts and must
 * never be halted.
 */
public final class ShutdownDeadline implements ApplicationListener<ApplicationEvent> {

    private static final Logger log = LoggerFactory.getLogger(ShutdownDeadline.class);

    /** Raised by the JVM shutdown hook of the instance {@code main} made (see {@link #watchJvmShutdown}). */
    private static final AtomicBoolean stopBegun = new AtomicBoolean();

    private final Runnable halt;
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile Duration budget = Duration.ofSeconds(10);

    public ShutdownDeadline() {
        this(() -> Runtime.getRuntime().halt(1));
    }

    ShutdownDeadline(Runnable halt) {
        this.halt = halt;
    }

    /**
     * Whether this JVM has begun to shut down (a signal, or {@code System.exit}): once true, nothing
     * new may start. Always false in a JVM whose {@code main} did not {@link #watchJvmShutdown watch}.
     */
    public static boolean stopBegun() {
        return stopBegun.get();
    }

    /**
     * Starts the countdown from the JVM's shutdown itself, not from the context's close, which
     * waits for the start-up to finish. Called once, by {@code main}, before anything starts.
     */
    public ShutdownDeadline watchJvmShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::jvmShutdownBegan, "trainyard-stop-signal"));
        return this;
    }

    void jvmShutdownBegan() {
        stopBegun.set(true);
        begin();
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            // The budget is known before the context exists, so a stop during start-up keeps it too.
            Binder.get(prepared.getEnvironment())
                    .bind("trainyard.shutdown-timeout", Duration.class)
                    .ifBound(configured -> budget = configured);
        } else if (event instanceof ApplicationPreparedEvent prepared) {
            prepared.getApplicationContext().getBeanFactory().addBeanPostProcessor(new RefuseBeansOnceStopping());
        } else if (event instanceof ContextClosedEvent) {
            begin(); // a close without a JVM shutdown (an embedding): the countdown starts here
        }
    }

    /** Starts the countdown once, whichever of the JVM's shutdown and the context's close comes first. */
    private void begin() {
        if (counting.compareAndSet(false, true)) {
            start(countdown(budget, System.getProperty(RELAUNCHED) != null));
        }
    }

    /** Set on the JVM {@code io.trainyard.JvmRelaunch} started as a child of the one the user started. */
    static final String RELAUNCHED = "trainyard.relaunched";

    /**
     * How long after its own signal this JVM halts: a second before the budget ends, since the halt
     * itself takes a moment and the process must be gone within the budget as seen from outside. A
     * relaunched child hears the signal later than the process a supervisor signals, from that
     * parent's shutdown hook, and the parent exits only after it: under load that added 2–4 s
     * (13–15 s to stop, audit 30), so the child keeps 2.5 s back.
     */
    static Duration countdown(Duration whole, boolean relaunched) {
        Duration margin = relaunched ? Duration.ofMillis(2_500) : Duration.ofSeconds(1);
        return whole.compareTo(margin.multipliedBy(2)) >= 0 ? whole.minus(margin) : whole;
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

    /**
     * Ends a start-up that a stop interrupted at its next bean: the context then closes what it
     * built (the database pool among it) and the JVM exits, where finishing the build first took
     * tens of seconds and opened the port and the queue for nothing.
     */
    static final class RefuseBeansOnceStopping implements BeanPostProcessor {

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
            if (stopBegun()) {
                // Said here, while logging still works: Spring Boot stops it once the context is closed,
                // before the failed start is reported.
                log.info("Stopping while starting: the start-up ends here, before any job is claimed");
                throw new StoppedDuringStartup(beanName);
            }
            return bean;
        }
    }

    /** Thrown into the context's build when the JVM began to shut down before the build was done. */
    public static final class StoppedDuringStartup extends RuntimeException {

        StoppedDuringStartup(String beanName) {
            super("this instance was asked to stop while it was starting (at bean '" + beanName + "')");
        }
    }
}
