package io.trainyard.job;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler that queues jobs whose number is known before the body is read (a job submit): while
 * the queue is known to be full it is refused before its body is read ({@link FullQueueInterceptor}).
 * A sweep is not marked: one with more members than the queue could ever hold must be its 400 whatever
 * the queue holds, which only its body tells, so {@code SweepService} asks
 * {@link QueueRefusals#refuseEarly} right after checking it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface QueuesJobs {}
