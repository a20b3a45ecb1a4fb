package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.trainyard.security.Caller;
import io.trainyard.security.Role;

/** What a refused model deletion says: what the caller may act on by name, what it may not only counted. */
class ModelInUseExceptionTests {

    private static final Caller ALICE = new Caller("alice", Role.USER);

    @Test
    void theCallersWarmStartingJobsAreNamedWithTheirSweepAndHowToFreeTheModel() {
        String detail = new ModelInUseException(
                        "m1",
                        List.of(),
                        List.of(
                                new ModelUsage.WarmStart("j1", "alice", "s1"),
                                new ModelUsage.WarmStart("j2", "alice", "s1")),
                        ALICE)
                .getMessage();

        assertThat(detail)
                .startsWith("Model m1 is in use: 2 queued or running jobs [j1, j2] warm-start from it")
                .contains("(members of sweep s1)")
                .contains("POST /jobs/{id}/cancel", "POST /sweeps/{id}/cancel")
                .endsWith("then delete the model.");
    }

    @Test
    void anotherOwnersJobsAreCountedNotNamedAndAnAdminSeesThemAll() {
        List<ModelUsage.WarmStart> jobs =
                List.of(new ModelUsage.WarmStart("j1", "alice", null), new ModelUsage.WarmStart("j9", "admin", null));

        String toAlice = new ModelInUseException("m1", List.of(), jobs, ALICE).getMessage();
        String toAdmin = new ModelInUseException("m1", List.of(), jobs, new Caller("admin", Role.ADMIN)).getMessage();

        assertThat(toAlice)
                .contains("the queued or running job [j1] warm-starts from it; cancel it (POST /jobs/{id}/cancel)")
                .contains("Also, a queued or running job of another owner warm-starts from it; only their owner or an "
                        + "admin can cancel it.")
                .doesNotContain("j9", "sweep");
        assertThat(toAdmin).contains("2 queued or running jobs [j1, j9]").doesNotContain("another owner");
    }

    @Test
    void aliasesAndJobsAreBothSaidAndManyJobsAreCountedPastTheFirstFive() {
        List<ModelUsage.WarmStart> jobs = new java.util.ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            jobs.add(new ModelUsage.WarmStart("j" + i, "alice", i == 1 ? null : "s1"));
        }

        String detail = new ModelInUseException(
                        "m1", List.of(new AliasRepository.Pointer("alice", "prod")), jobs, ALICE)
                .getMessage();

        assertThat(detail)
                .startsWith("Model m1 is in use: your alias 'prod' points to it")
                .contains("Also, 7 queued or running jobs [j1, j2, j3, j4, j5] and 2 more warm-start from it")
                .contains("(some of them members of sweep s1)");
    }
}
