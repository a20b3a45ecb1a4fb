package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A page cursor reads back exactly as handed out, only for the list and filters it was handed out for,
 * and nothing else passes for one: not an edit, nor a cursor computed without the service's key.
 */
class PageCursorsTests {

    private static final Instant CREATED = Instant.parse("2026-12-01T05:58:01.123456Z");
    private static final String ID = "8505294a-c015-4fa5-b7f8-e0383a19ab80";
    private static final PageCursors.Scope JOBS = PageCursors.Scope.of("jobs", "alice", null, null, null);

    private final PageCursors cursors = PageCursors.withKey("a key of this database".getBytes(StandardCharsets.UTF_8));

    @Test
    void aCursorHandedOutReadsBackAsItsPosition() {
        assertThat(cursors.parse(JOBS, cursors.after(JOBS, CREATED, ID))).isEqualTo(new PageCursor(CREATED, ID));
        assertThat(cursors.parse(JOBS, null)).isNull();
        assertThat(cursors.parse(JOBS, "")).isNull();
    }

    @Test
    void aPageCarriesTheCursorOfItsLastItemOnlyWhenMoreFollow() {
        List<String> readOneMore = List.of("c", "b", "a");
        PageCursor.Page<String> page = cursors.page(JOBS, readOneMore, 2, item -> CREATED, item -> item);

        assertThat(page.items()).containsExactly("c", "b");
        assertThat(cursors.parse(JOBS, page.nextCursor())).isEqualTo(new PageCursor(CREATED, "b"));
        assertThat(cursors.page(JOBS, readOneMore, 3, item -> CREATED, item -> item)
                        .nextCursor())
                .isNull();
    }

    @Test
    void anEditedCursorIsRefused() {
        String cursor = cursors.after(JOBS, CREATED, ID);
        String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String otherId = decoded.replace(ID, "zzzz-not-an-id");
        String otherTime = decoded.replace("05:58:01", "05:58:02");
        String withoutCheck = decoded.substring(0, decoded.lastIndexOf('|'));

        for (String edited : new String[] {otherId, otherTime, withoutCheck, CREATED + "|" + ID}) {
            assertRefused(JOBS, encode(edited));
        }
        assertRefused(JOBS, cursor + "x");
        assertRefused(JOBS, cursor.substring(0, cursor.length() - 1));
        assertRefused(JOBS, "garbage");
    }

    @Test
    void aCursorServesOnlyTheListAndFiltersItCameFrom() {
        String cursor = cursors.after(JOBS, CREATED, ID);

        // Another list, another owner, another filter, a filter moved to another place: all refused.
        assertRefused(PageCursors.Scope.of("models", "alice"), cursor);
        assertRefused(PageCursors.Scope.of("jobs", "bob", null, null, null), cursor);
        assertRefused(PageCursors.Scope.of("jobs", null, null, null, null), cursor);
        assertRefused(PageCursors.Scope.of("jobs", "alice", "RUNNING", null, null), cursor);
        assertRefused(PageCursors.Scope.of("jobs", "alice", null, "RUNNING", null), cursor);
        // A filter holding the separator cannot pass for two filters.
        assertThat(PageCursors.Scope.of("jobs", "a|1:b").canonical())
                .isNotEqualTo(PageCursors.Scope.of("jobs", "a", "b").canonical());
    }

    @Test
    void aCursorComputedWithoutTheKeyIsRefused() {
        // What the unkeyed check was: anyone could forge a position with the public digest.
        String position = "2099-01-01T00:00:00Z|zzzz";
        assertRefused(JOBS, encode(position + "|" + sha256("trainyard page cursor|" + position, 6)));
        // And a cursor of another database (another key) is not one of this database's.
        String elsewhere = PageCursors.withKey("another database".getBytes(StandardCharsets.UTF_8))
                .after(JOBS, CREATED, ID);
        assertRefused(JOBS, elsewhere);
    }

    private void assertRefused(PageCursors.Scope scope, String cursor) {
        assertThatThrownBy(() -> cursors.parse(scope, cursor))
                .as(cursor)
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not a cursor this service gave out for this list");
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
