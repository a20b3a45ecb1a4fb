package io.trainyard.job;

/** Published when a worker of this instance starts training a job (it is RUNNING from here on). */
public record JobStarted(TrainingJob job) {}
