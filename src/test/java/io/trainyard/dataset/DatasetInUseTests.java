package io.trainyard.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.trainyard.security.Caller;
import io.trainyard.security.Role;

/** What the 409 for a data set in use tells each caller: ids of the jobs it may see, a count of the others. */
class DatasetInUseTests {

    private static final Caller ALICE = new Caller("alice", Role.USER);
    private static final Caller ROOT = new Caller("root", Role.ADMIN);

    private static DatasetUsage.User job(String id, String owner) {
        return new DatasetUsage.User(id, owner);
    }

    @Test
    void anOwnerIsToldOfItsOwnJobsByIdAndOfOthersOnlyHowMany() {
        List<DatasetUsage.User> users = List.of(job("j1", "alice"), job("j2", "root"), job("j3", "root"));

        assertThat(DatasetCatalog.inUse("d1", users, ALICE))
                .isEqualTo("Data set d1 is used by your queued or running job [j1], and by 2 queued or running jobs "
                        + "of other owners (an admin may train on your data sets); cancel yours "
                        + "(POST /jobs/{id}/cancel) or wait until they finish, then delete it.");
        assertThat(DatasetCatalog.inUse("d1", users, ROOT))
                .isEqualTo("Data set d1 is used by 3 queued or running jobs [j1, j2, j3]; cancel them "
                        + "(POST /jobs/{id}/cancel) or wait until they finish, then delete it.");
    }

    @Test
    void onlyOthersJobsAreCountedWithoutIdsOrAnInvitationToCancelThem() {
        assertThat(DatasetCatalog.inUse("d1", List.of(job("j2", "root")), ALICE))
                .isEqualTo("Data set d1 is used by 1 queued or running job of another owner (an admin may train on "
                        + "your data sets); it can be deleted once that job has finished (or its owner or an admin "
                        + "has cancelled it).")
                .doesNotContain("j2");
    }

    @Test
    void manyOwnJobsAreNamedUpToFive() {
        List<DatasetUsage.User> users = List.of(
                job("j1", "alice"),
                job("j2", "alice"),
                job("j3", "alice"),
                job("j4", "alice"),
                job("j5", "alice"),
                job("j6", "alice"),
                job("j7", "alice"));

        assertThat(DatasetCatalog.inUse("d1", users, ALICE))
                .startsWith("Data set d1 is used by your 7 queued or running jobs [j1, j2, j3, j4, j5] and 2 more; "
                        + "cancel them");
    }
}
