package io.trainyard.training;

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

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Binder binder = Binder.get(event.getEnvironment());
        int iterations = binder.bind("trainyard.warmup-iterations", Integer.class)
                .orElse(EngineWarmup.Rehearser.DEFAULT_ITERATIONS);
        TrainyardProperties properties = binder.bindOrCreate("trainyard", Bindable.of(TrainyardProperties.class));
        EngineWarmup.startEarly(iterations, properties);
    }
}
