package io.trainyard.system;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The opaque {@code cursor} of newest-first lists, and the check that makes it opaque: a cursor is the
 * position after which the next page starts ({@link PageCursor}) and an HMAC-SHA256 of that position
 * together with the list and its filters, keyed with a secret that every instance sharing the
 * database has ({@link ServiceSecrets}, made at the first use). So only the exact text a
 * {@code nextCursor} gave is taken, and only by the list (and filters, owner included) it came from:
 * an edited, cut or extended cursor, one of another list, or one computed by hand is a 400.
 *
 * <p>The check was an unkeyed digest, which anyone could compute for a position of their choosing,
 * and named no list: a cursor of {@code /jobs} paged {@code /models}. A forged position showed nothing
 * the caller could not list anyway (lists are filtered by the caller's rights), but the contract's
 * promise that only handed-out cursors are taken did not hold.
 */
@Component
public class PageCursors {

    private static final String SECRET = "page-cursor";
    /** Bytes of the MAC kept in a cursor: 128 bits, beyond guessing. */
    private static final int CHECK_BYTES = 16;

    /**
     * What a cursor is bound to: the list's name and its filters, in a fixed order per list (null for a
     * filter not given). The owner a list is filtered by is one of them, as stored (so {@code ALICE} and
     * {@code alice} share cursors), which binds a user's cursors to that user.
     */
    public record Scope(String list, List<String> filters) {

        public static Scope of(String list, Object... filters) {
            List<String> values = new ArrayList<>();
            for (Object filter : filters) {
                values.add(filter == null ? null : filter.toString());
            }
            return new Scope(list, values);
        }

        /** Each part with its length, so that no two scopes (a filter holding a separator) read the same. */
        String canonical() {
            StringBuilder text = new StringBuilder("trainyard page cursor|");
            text.append(list.length()).append(':').append(list);
            for (String filter : filters) {
                text.append('|');
                if (filter != null) {
                    text.append(filter.length()).append(':').append(filter);
                }
            }
            return text.toString();
        }
    }

    private final Supplier<byte[]> secret;
    private volatile SecretKeySpec key;

    @Autowired
    PageCursors(ServiceSecrets secrets) {
        this(() -> secrets.get(SECRET));
    }

    private PageCursors(Supplier<byte[]> secret) {
        this.secret = secret;
    }

    /** Cursors checked with this key, as if read from the database (for tests that need no database). */
    public static PageCursors withKey(byte[] key) {
        byte[] copy = Arrays.copyOf(key, key.length);
        return new PageCursors(() -> copy);
    }

    /**
     * Cuts a page from the items read for it: read {@code limit + 1} items after the cursor, and the
     * one beyond the limit only tells that there is a next page.
     */
    public <T> PageCursor.Page<T> page(
            Scope scope, List<T> readOneMore, int limit, Function<T, Instant> createdAt, Function<T, String> id) {
        if (readOneMore.size() <= limit) {
            return new PageCursor.Page<>(readOneMore, null);
        }
        List<T> items = readOneMore.subList(0, limit);
        T last = items.get(limit - 1);
        return new PageCursor.Page<>(items, after(scope, createdAt.apply(last), id.apply(last)));
    }

    /** The cursor to hand out after an item: its creation time, its id and the check of both in this scope. */
    public String after(Scope scope, Instant createdAt, String id) {
        return after(key(), scope, createdAt, id);
    }

    private static String after(SecretKeySpec key, Scope scope, Instant createdAt, String id) {
        String position = createdAt + "|" + id;
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((position + "|" + check(key, scope, position)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a cursor given back by a client; null or empty means the first page (null result).
     *
     * @throws InvalidRequestException for anything this service did not hand out for this scope
     */
    public PageCursor parse(Scope scope, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        // Outside the try: a database that cannot give the key is a 503, not a bad cursor.
        SecretKeySpec key = key();
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int last = decoded.lastIndexOf('|');
            int bar = decoded.indexOf('|');
            PageCursor parsed =
                    new PageCursor(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1, last));
            // Only the exact text handed out: the check must match, and the same position must encode back
            // to the same cursor (Base64 decoding alone forgives stray trailing characters).
            String expected = after(key, scope, parsed.createdAt(), parsed.id());
            if (last <= bar
                    || !MessageDigest.isEqual(
                            expected.getBytes(StandardCharsets.UTF_8), cursor.getBytes(StandardCharsets.UTF_8))) {
                throw new IllegalArgumentException("not a cursor of ours");
            }
            return parsed;
        } catch (RuntimeException e) {
            throw new InvalidRequestException(
                    "cursor",
                    "is not a cursor this service gave out for this list (with these filters); use the nextCursor"
                            + " of the previous page, with the same filters, or leave it out for the first page");
        }
    }

    private static String check(SecretKeySpec key, Scope scope, String position) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((scope.canonical() + "|" + position).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, CHECK_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    /** Read once, at the first cursor made or read (not at start, when the database may still be away). */
    private SecretKeySpec key() {
        SecretKeySpec known = key;
        if (known == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(secret.get(), "HmacSHA256");
                }
                known = key;
            }
        }
        return known;
    }
}
