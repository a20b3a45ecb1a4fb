package io.trainyard.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is asking: the name of the key (the owner of everything it creates) and its role. Resolved by
 * {@link BearerKeyFilter} into the security context of the request thread, and read by the feature
 * services with {@link #current()} when they create, find or list owned rows.
 *
 * <p>Code that runs outside a request (the training workers, the history writer, start-up) has no
 * caller and acts as {@link #SYSTEM}, which sees everything; rows it creates take their owner from
 * the job they belong to, never from the system caller.
 */
public record Caller(String name, Role role) {

    /** The owner of everything when authentication is switched off ({@code trainyard.auth.enabled=false}). */
    public static final Caller LOCAL = new Caller("local", Role.ADMIN);

    /** Background work: training, recovery, start-up. Sees every owner's rows. */
    public static final Caller SYSTEM = new Caller("system", Role.ADMIN);

    /** The caller of the current request, or {@link #SYSTEM} outside a request. */
    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
            return caller;
        }
        return SYSTEM;
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see (and change) a row owned by {@code owner}: its own, or any for an admin. */
    public boolean sees(String owner) {
        return isAdmin() || name.equals(owner);
    }

    /** The owner whose rows this caller may see: null for an admin (every owner), else its own name. */
    public String onlyOwner() {
        return isAdmin() ? null : name;
    }
}
