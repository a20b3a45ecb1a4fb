package io.trainyard.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The opaque {@code cursor} of newest-first lists: the creation time and id of the last item of the
 * previous page, so the next page starts strictly after it however many items arrive meanwhile.
 */
public record PageCursor(Instant createdAt, String id) {

    /** One page of a newest-first list and the cursor of the next page (null on the last page). */
    public record Page<T>(java.util.List<T> items, String nextCursor) {}

    /**
     * Cuts a page from the items read for it: read {@code limit + 1} items after the cursor, and the
     * one beyond the limit only tells that there is a next page.
     */
    public static <T> Page<T> page(
            java.util.List<T> readOneMore,
            int limit,
            java.util.function.Function<T, Instant> createdAt,
            java.util.function.Function<T, String> id) {
        if (readOneMore.size() <= limit) {
            return new Page<>(readOneMore, null);
        }
        java.util.List<T> items = readOneMore.subList(0, limit);
        T last = items.get(limit - 1);
        return new Page<>(items, after(createdAt.apply(last), id.apply(last)));
    }

    /**
     * Ends a newest-first query of a table with {@code created_at} and {@code id} columns: strictly
     * after {@code after} (null: from the newest), newest first, at most {@code limit} rows. The id
     * breaks ties between rows created in the same instant, so no row is skipped or repeated.
     */
    public static void appendPage(
            StringBuilder sql, java.util.Map<String, Object> params, PageCursor after, int limit) {
        if (after != null) {
            sql.append(" AND (created_at < :afterCreated OR (created_at = :afterCreated AND id < :afterId))");
            params.put("afterCreated", Rows.time(after.createdAt()));
            params.put("afterId", after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        params.put("limit", limit);
    }

    /**
     * The cursor to hand out after an item: its creation time, id and a check of both, so that a cursor
     * edited by hand (or cut short, or run together with other text) is refused rather than read as some
     * other position. The check is a plain digest, not a secret: a list is always filtered by the caller's
     * own rights, so a forged position shows nothing the caller could not list anyway.
     */
    public static String after(Instant createdAt, String id) {
        String position = createdAt + "|" + id;
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((position + "|" + check(position)).getBytes(StandardCharsets.UTF_8));
    }

    private static String check(String position) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("trainyard page cursor|" + position).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Reads a cursor given back by a client; null or empty means the first page (null result).
     *
     * @throws InvalidRequestException for anything this service did not hand out
     */
    public static PageCursor parse(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int last = decoded.lastIndexOf('|');
            int bar = decoded.indexOf('|');
            PageCursor parsed =
                    new PageCursor(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1, last));
            // Only the exact text handed out: the check must match, and the same position must encode back
            // to the same cursor (Base64 decoding alone forgives stray trailing characters).
            if (last <= bar || !after(parsed.createdAt(), parsed.id()).equals(cursor)) {
                throw new IllegalArgumentException("not a cursor of ours");
            }
            return parsed;
        } catch (RuntimeException e) {
            throw new InvalidRequestException(
                    "cursor",
                    "is not a cursor this service gave out; use the nextCursor"
                            + " of the previous page, or leave it out for the first page");
        }
    }
}
