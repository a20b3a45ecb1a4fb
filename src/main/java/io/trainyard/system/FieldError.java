package io.trainyard.system;

/** One entry of a problem's {@code errors} array: which field, and what to fix. */
public record FieldError(String field, String message) {}
