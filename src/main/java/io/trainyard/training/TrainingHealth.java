package io.trainyard.training;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * DOWN when a training worker died and cannot recover: the instance still answers HTTP but trains
 * nothing, so it must leave the load balancer (it is part of the readiness group).
 */
@Component("training")
class TrainingHealth implements HealthIndicator {

    private final TrainingWorkers workers;

    TrainingHealth(TrainingWorkers workers) {
        this.workers = workers;
    }

    @Override
    public Health health() {
        int dead = workers.deadWorkers();
        return dead == 0
                ? Health.up().build()
                : Health.down().withDetail("deadWorkers", dead).build();
    }
}
