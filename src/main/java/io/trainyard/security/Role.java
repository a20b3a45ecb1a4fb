package io.trainyard.security;

import java.util.Locale;

/** What a key may do: {@code admin} everything for every owner, {@code user} only its own things. */
public enum Role {
    ADMIN,
    USER;

    /** The name clients see and send ({@code admin}, {@code user}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return null for anything but {@code admin} or {@code user} */
    static Role parse(String text) {
        for (Role role : values()) {
            if (role.wire().equals(text)) {
                return role;
            }
        }
        return null;
    }
}
