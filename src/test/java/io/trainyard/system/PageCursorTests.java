package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** A page cursor reads back exactly as handed out, and nothing else passes for one. */
class PageCursorTests {

    private static final Instant CREATED = Instant.parse("2026-12-01T05:58:01.123456Z");
    private static final String ID = "8505294a-c015-4fa5-b7f8-e0383a19ab80";

    @Test
    void aCursorHandedOutReadsBackAsItsPosition() {
        assertThat(PageCursor.parse(PageCursor.after(CREATED, ID))).isEqualTo(new PageCursor(CREATED, ID));
        assertThat(PageCursor.parse(null)).isNull();
        assertThat(PageCursor.parse("")).isNull();
    }

    @Test
    void anEditedCursorIsRefused() {
        String cursor = PageCursor.after(CREATED, ID);
        String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String otherId = decoded.replace(ID, "zzzz-not-an-id");
        String otherTime = decoded.replace("05:58:01", "05:58:02");
        String withoutCheck = decoded.substring(0, decoded.lastIndexOf('|'));

        for (String edited : new String[] {otherId, otherTime, withoutCheck, CREATED + "|" + ID}) {
            assertRefused(
                    Base64.getUrlEncoder().withoutPadding().encodeToString(edited.getBytes(StandardCharsets.UTF_8)));
        }
        assertRefused(cursor + "x");
        assertRefused(cursor.substring(0, cursor.length() - 1));
        assertRefused("garbage");
    }

    private static void assertRefused(String cursor) {
        assertThatThrownBy(() -> PageCursor.parse(cursor))
                .as(cursor)
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not a cursor this service gave out");
    }
}
