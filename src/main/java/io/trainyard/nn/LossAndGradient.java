package io.trainyard.nn;

/** A least-squares loss and its gradient, computed together in one forward and backward pass. */
public record LossAndGradient(double loss, Gradients gradients) {}
