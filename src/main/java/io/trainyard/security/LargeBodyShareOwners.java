package io.trainyard.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import io.trainyard.system.RequestOwners;

/**
 * The owner whose share of the large-body permits a request takes ({@code system/LargeBodyGate}, which
 * runs after authentication): the key's owner for a user key; none for an admin key, exempt as from
 * every quota, nor for a request without a key (refused before it reaches the gate).
 */
@Component
class LargeBodyShareOwners implements RequestOwners {

    @Override
    public String shareOf(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller && !caller.isAdmin()) {
            return caller.name();
        }
        return null;
    }
}
