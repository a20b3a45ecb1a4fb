package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.mock.env.MockEnvironment;

class WarmupOnStartTests {

    private static ApplicationEnvironmentPreparedEvent prepared(MockEnvironment environment) {
        return new ApplicationEnvironmentPreparedEvent(
                new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment);
    }

    @Test
    void startsNothingWhenTheWarmupIsTurnedOff() {
        new WarmupOnStart()
                .onApplicationEvent(prepared(new MockEnvironment().withProperty("trainyard.warmup-iterations", "0")));

        assertThat(EngineWarmup.startedEarly()).isFalse();
    }

    @Test
    void aSettingThatDoesNotBindIsLeftToTheContextToReport() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("trainyard.warmup-iterations", "many")
                .withProperty("trainyard.heartbeat-timeout", "soon");

        assertThatNoException().isThrownBy(() -> new WarmupOnStart().onApplicationEvent(prepared(environment)));
        assertThat(EngineWarmup.startedEarly()).isFalse();
    }
}
