package io.trainyard.security;

/**
 * Published when this instance has revoked a key, after the row is updated: what the key holds open
 * beyond single requests (event streams) is closed at once, as the key's next request would be refused.
 *
 * @param name the key's name, the owner its callers act as (names are never reused)
 */
public record KeyRevoked(String name) {}
