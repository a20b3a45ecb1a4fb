package io.trainyard.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A start-up that a stop ended ({@link ShutdownDeadline.StoppedDuringStartup}) is what the operator
 * asked for, not a failure: no "Application run failed" and its stack trace (the line that says what
 * happened was logged as the start-up ended). Asked before the failure analyzers.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class StoppedDuringStartupReporter implements SpringBootExceptionReporter {

    private static final Logger log = LoggerFactory.getLogger(StoppedDuringStartupReporter.class);

    @Override
    public boolean reportException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ShutdownDeadline.StoppedDuringStartup stopped) {
                log.debug("Start-up ended: {}", stopped.getMessage());
                return true;
            }
        }
        return false;
    }
}
