package io.trainyard.job;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler that queues jobs (a submit, a sweep): while the queue is known to be full it is
 * refused before its body is read ({@link FullQueueInterceptor}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface QueuesJobs {}
