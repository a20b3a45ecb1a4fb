package io.trainyard.training;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.trainyard.nn.Warmup;

/**
 * Warms the engine's JIT-compiled loops in the background once the service is up, so that the
 * first job of a fresh process trains at full speed instead of paying for the compiler (see
 * {@link Warmup}). Runs on one low-priority daemon thread and never delays start-up or a job:
 * a job submitted meanwhile simply trains beside it. {@code trainyard.warmup-iterations=0} turns
 * it off (the tests do, to save CPU). The default, 16,000 iterations (about half a second of one
 * core), is what {@code bench/crew} shows the JIT needs before the kernel and its helper crew run at
 * their steady speed.
 */
@Component
class EngineWarmup {

    private static final Logger log = LoggerFactory.getLogger(EngineWarmup.class);

    private final int iterations;

    EngineWarmup(@Value("${trainyard.warmup-iterations:16000}") int iterations) {
        this.iterations = iterations;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmUp() {
        if (iterations <= 0) {
            return;
        }
        Thread thread = new Thread(
                () -> {
                    long start = System.nanoTime();
                    try {
                        int ran = Warmup.run(iterations);
                        log.info(
                                "Engine warmed up: {} iterations in {} ms",
                                ran,
                                (System.nanoTime() - start) / 1_000_000);
                    } catch (RuntimeException | LinkageError e) {
                        // Only speed is at stake: jobs run the same code, compiled or not.
                        log.warn("Engine warm-up failed: {}", e.toString());
                    }
                },
                "trainyard-engine-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }
}
