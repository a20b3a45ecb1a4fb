package io.trainyard.security;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.springframework.stereotype.Component;

import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PageCursor;
import io.trainyard.system.PageCursors;

/**
 * Owners named by clients ({@code ?owner=} on lists and aliases), matched regardless of case. Key
 * names, which are the owners, are unique regardless of case (V15): {@code ALICE} can only mean
 * {@code alice}, so it finds her items instead of an empty list, and a user key naming itself in
 * another case is itself, not "another owner". The stored spelling is what the queries compare, so
 * the owner indexes keep serving them.
 *
 * <p>A page of a list ({@link #listing}) is read for the owner so resolved, and its cursors are bound
 * to that owner, the list and its other filters.
 */
@Component
public class Owners {

    private final KeyRepository keys;
    private final PageCursors cursors;

    Owners(KeyRepository keys, PageCursors cursors) {
        this.keys = keys;
        this.cursors = cursors;
    }

    /**
     * One page of a newest-first list, as asked for: whose items ({@link #listFilter}) and after which
     * position ({@code cursor}, checked to be one handed out for this list, owner and filters).
     *
     * @param owner the owner the list is filtered by (null: everyone's, for an admin)
     * @param after where the page starts (null: at the newest)
     */
    public record Listing(String owner, PageCursor after, PageCursors.Scope scope, PageCursors cursors) {

        /** The page cut from {@code limit + 1} items read after {@link #after}, with the next page's cursor. */
        public <T> PageCursor.Page<T> page(
                List<T> readOneMore, int limit, Function<T, Instant> createdAt, Function<T, String> id) {
            return cursors.page(scope, readOneMore, limit, createdAt, id);
        }

        /** The cursor of the page that starts after this item. */
        public String cursorAfter(Instant createdAt, String id) {
            return cursors.after(scope, createdAt, id);
        }
    }

    /**
     * @param list the list's name, which its cursors are bound to ({@code jobs}, {@code models}, …)
     * @param requestedOwner {@code ?owner=}
     * @param cursor {@code ?cursor=}
     * @param filters the list's other filters, in a fixed order (null: not given)
     * @throws InvalidRequestException for a user key naming another owner, or a cursor not handed out
     *     for this list, owner and filters
     */
    public Listing listing(String list, String requestedOwner, String cursor, Object... filters) {
        String owner = listFilter(requestedOwner);
        List<Object> scope = new ArrayList<>();
        scope.add(owner);
        scope.addAll(Arrays.asList(filters));
        PageCursors.Scope bound = PageCursors.Scope.of(list, scope.toArray());
        return new Listing(owner, cursors.parse(bound, cursor), bound, cursors);
    }

    /**
     * The owner a list is filtered by: an admin's {@code ?owner=} (null: everyone's), always the
     * caller's own name for a user key.
     *
     * @throws InvalidRequestException when a user key names another owner: answering with its own
     *     list instead gave a script that asked for bob's items alice's, without a word
     */
    public String listFilter(String requested) {
        Caller caller = Caller.current();
        if (requested == null || requested.isBlank()) {
            return caller.isAdmin() ? null : caller.name();
        }
        return named(caller, requested, "only an admin lists another owner's items; leave owner out to list your own");
    }

    /**
     * The owner whose item a request means (each owner has its own alias names): the one an admin's
     * {@code ?owner=} names, else the caller.
     *
     * @param refusal what a user key naming another owner is told (a 400 on {@code owner}): acting on
     *     its own item instead turned a user's {@code DELETE /aliases/x?owner=bob} into the deletion of
     *     its own x
     */
    public String actingFor(String requested, String refusal) {
        Caller caller = Caller.current();
        if (requested == null || requested.isBlank()) {
            return caller.name();
        }
        return named(caller, requested, refusal);
    }

    private String named(Caller caller, String requested, String refusal) {
        String owner = requested.equals(caller.name()) ? requested : stored(requested);
        if (!caller.isAdmin() && !owner.equals(caller.name())) {
            throw new InvalidRequestException("owner", refusal);
        }
        return owner;
    }

    /**
     * The owner's name as stored, for a name given in any case; the name as given when no key has it
     * (such an owner has nothing).
     *
     * @throws InvalidRequestException when it names, but for case, several owners: variants made before
     *     V15 checked names in the database, kept apart (AdminKeyBootstrap warns of them), of which
     *     none is spelled exactly so
     */
    String stored(String requested) {
        List<String> names = keys.namesLike(requested);
        if (names.contains(requested)) {
            return requested;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        if (names.size() > 1) {
            throw new InvalidRequestException(
                    "owner",
                    "'" + requested + "' matches the owners " + names + ", whose names differ only in case; name "
                            + "one of them exactly");
        }
        // Not a key's name, yet an owner: everything made while authentication was off.
        return requested.equalsIgnoreCase(Caller.LOCAL.name()) ? Caller.LOCAL.name() : requested;
    }
}
