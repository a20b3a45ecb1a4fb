package io.trainyard.system;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Whose share of the instance's large-body permits a request counts against ({@link LargeBodyGate}).
 * Answered by the security package, which alone knows keys and roles.
 */
@FunctionalInterface
public interface RequestOwners {

    /** Counted against no one's share: the large-body permits are then shared by requests alone. */
    RequestOwners NONE = request -> null;

    /** The owner of {@code request}'s key, or null when it counts against no share (an admin key, no key). */
    String shareOf(HttpServletRequest request);
}
