package io.trainyard.system;

import java.time.Instant;

/**
 * A position in a newest-first list: the creation time and id of the last item of the previous page,
 * so the next page starts strictly after it however many items arrive meanwhile. Clients see it only
 * as the opaque, checked text {@link PageCursors} hands out and reads back.
 */
public record PageCursor(Instant createdAt, String id) {

    /** One page of a newest-first list and the cursor of the next page (null on the last page). */
    public record Page<T>(java.util.List<T> items, String nextCursor) {}

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
}
