package io.trainyard.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Drops the full-resolution history of jobs that finished more than {@code trainyard.history.retention}
 * ago and keeps their coarse level (at most 32 points per stored batch), which reads then serve and
 * name ({@code resolution: "coarse"}). Off unless the property is set.
 *
 * <p>Every instance runs it (there is no leader): the cutoff comes from the database's clock, and
 * each job is pruned by one transaction that checks its conditions again and marks the job, so
 * instances racing over the same job do the work once and nothing twice.
 */
@Component
public class HistoryRetention {

    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);
    /** Jobs looked up per query; a sweep goes on until none is left. */
    private static final int BATCH = 100;

    /**
     * @param retention keep the full resolution of a finished job's history this long; unset or zero
     *     keeps it for ever (a negative one, which also kept it for ever, is refused at start)
     * @param checkInterval how often each instance looks for histories to prune (the scheduler refused
     *     a zero one only after the web server had started)
     */
    @ConfigurationProperties("trainyard.history")
    @Validated
    record Properties(
            @DurationMin(millis = 0, message = "must be 0 (keep for ever) or more, such as 30d")
            Duration retention,

            @DefaultValue("1h")
            @DurationMin(
                    millis = 1,
                    message = "must be at least 1ms (a duration such as 1h; a bare number is milliseconds)")
            Duration checkInterval) {

        boolean enabled() {
            return retention != null && !retention.isZero() && !retention.isNegative();
        }
    }

    private final HistoryRepository repository;
    private final Properties properties;
    private final FinishedHistories answers;

    HistoryRetention(HistoryRepository repository, Properties properties, FinishedHistories answers) {
        this.repository = repository;
        this.properties = properties;
        this.answers = answers;
    }

    @Scheduled(
            fixedDelayString = "${trainyard.history.check-interval:1h}",
            initialDelayString = "${trainyard.history.check-interval:1h}")
    void scheduled() {
        if (!properties.enabled()) {
            return;
        }
        try {
            int pruned = sweep();
            if (pruned > 0) {
                log.info(
                        "History retention: kept only the coarse level of {} finished jobs (older than {})",
                        pruned,
                        properties.retention());
            }
        } catch (DataAccessException e) {
            log.warn("History retention sweep failed; the next one tries again: {}", e.toString());
        }
    }

    /**
     * One sweep: every job that finished before now (database clock) minus the retention keeps only
     * its coarse level. Does nothing when retention is off.
     *
     * @return the jobs this call pruned
     */
    public int sweep() {
        if (!properties.enabled()) {
            return 0;
        }
        Instant cutoff = repository.databaseNow().minus(properties.retention());
        int pruned = 0;
        while (true) {
            List<String> jobs = repository.prunable(cutoff, BATCH);
            for (String job : jobs) {
                try {
                    if (repository.prune(job, cutoff)) {
                        pruned++;
                        // After the commit: what was cached was read at full resolution.
                        answers.evict(job);
                    }
                } catch (DuplicateKeyException e) {
                    // Another instance marked it at the same moment: its transaction dropped the batches.
                }
            }
            // A job that stops qualifying (deleted, or pruned elsewhere) drops out of the next query,
            // so this ends.
            if (jobs.size() < BATCH) {
                return pruned;
            }
        }
    }
}
