package io.trainyard.training;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

import io.trainyard.system.TrainyardProperties;

/**
 * Starts the engine's warm-up ({@link EngineWarmup}) as soon as the configuration is known, before
 * the application context is built: building it takes seconds of mostly one core, which the
 * warm-up uses, so the service answers its first request with the training loop already compiled.
 * Registered by {@code TrainyardApplication.main} only: tests and embeddings build contexts without it.
 */
public final class WarmupOnStart implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Logger log = LoggerFactory.getLogger(WarmupOnStart.class);

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        int iterations;
        TrainyardProperties properties;
        try {
            Binder binder = Binder.get(event.getEnvironment());
            iterations = binder.bind("trainyard.warmup-iterations", Integer.class)
                    .orElse(EngineWarmup.Rehearser.DEFAULT_ITERATIONS);
            properties = binder.bindOrCreate("trainyard", Bindable.of(TrainyardProperties.class));
        } catch (RuntimeException e) {
            // A setting that does not bind: the context's own binding reports it properly in a moment.
            log.debug("No early engine warm-up: {}", e.toString());
            return;
        }
        EngineWarmup.startEarly(iterations, properties);
    }
}
