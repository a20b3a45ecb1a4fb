package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PageCursors;

/** Owner names as clients send them: any case means the stored name, and a user key is held to its own. */
class OwnersTests {

    private final KeyRepository keys = mock(KeyRepository.class);
    private final Owners owners = new Owners(keys, PageCursors.withKey("test".getBytes(StandardCharsets.UTF_8)));

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private static void as(String name, Role role) {
        SecurityContextHolder.getContext()
                .setAuthentication(new TestingAuthenticationToken(new Caller(name, role), null));
    }

    @Test
    void anAdminsOwnerInAnyCaseIsTheStoredName() {
        as("admin", Role.ADMIN);
        given(keys.namesLike("ALICE")).willReturn(List.of("alice"));

        assertThat(owners.listFilter("ALICE")).isEqualTo("alice");
        assertThat(owners.actingFor("ALICE", "refused")).isEqualTo("alice");
        assertThat(owners.listFilter(null)).as("everyone's").isNull();
        assertThat(owners.actingFor(" ", "refused")).as("its own").isEqualTo("admin");
        // No key has the name: nobody's items (the name as given); 'local' owns what was made without keys.
        assertThat(owners.listFilter("nobody")).isEqualTo("nobody");
        assertThat(owners.listFilter("LOCAL")).isEqualTo("local");
    }

    @Test
    void caseVariantsKeptFromBeforeV15AreNamedExactlyOrNotAtAll() {
        as("admin", Role.ADMIN);
        given(keys.namesLike("case3")).willReturn(List.of("CASE3", "case3", "Case3"));
        given(keys.namesLike("cAsE3")).willReturn(List.of("CASE3", "case3", "Case3"));

        assertThat(owners.listFilter("case3")).isEqualTo("case3");
        assertThatThrownBy(() -> owners.listFilter("cAsE3"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("matches the owners [CASE3, case3, Case3]");
    }

    @Test
    void aUserKeyNamingItselfInAnyCaseIsItselfAndAnotherOwnerIsA400() {
        as("bob", Role.USER);
        given(keys.namesLike("BOB")).willReturn(List.of("bob"));
        given(keys.namesLike("alice")).willReturn(List.of("alice"));

        assertThat(owners.listFilter("BOB")).isEqualTo("bob");
        assertThat(owners.listFilter(null)).isEqualTo("bob");
        assertThatThrownBy(() -> owners.listFilter("alice"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("only an admin lists another owner's items");
        assertThatThrownBy(() -> owners.actingFor("alice", "only an admin acts on another owner's aliases"))
                .hasMessageContaining("only an admin acts on another owner's aliases");
    }

    @Test
    void aUserNamingItselfExactlyCostsNoLookUp() {
        as("bob", Role.USER);

        assertThat(owners.listFilter("bob")).isEqualTo("bob");
        verifyNoInteractions(keys);
    }

    @Test
    void aListingsCursorsAreBoundToTheOwnerAsStored() {
        as("admin", Role.ADMIN);
        given(keys.namesLike("ALICE")).willReturn(List.of("alice"));
        String cursor = owners.listing("jobs", "alice", null, "RUNNING").cursorAfter(java.time.Instant.EPOCH, "j1");

        assertThat(owners.listing("jobs", "ALICE", cursor, "RUNNING").after().id())
                .isEqualTo("j1");
        assertThatThrownBy(() -> owners.listing("jobs", null, cursor, "RUNNING"))
                .hasMessageContaining("not a cursor this service gave out for this list");
        assertThatThrownBy(() -> owners.listing("models", "alice", cursor))
                .hasMessageContaining("not a cursor this service gave out for this list");
    }
}
