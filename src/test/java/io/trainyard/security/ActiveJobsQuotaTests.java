package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.unit.DataSize;

/** What the active-jobs quota admits, and what it says when it refuses. */
class ActiveJobsQuotaTests {

    private final Usage usage = mock(Usage.class);
    private final ActiveJobsQuota quota =
            new ActiveJobsQuota(new QuotaProperties(3, DataSize.ofGigabytes(1), 50, 100, 32), usage);
    private final Caller alice = new Caller("alice", Role.USER);

    @Test
    void aRefusalNamesTheActiveJobsWhatTheRequestAddsAndTheQuota() {
        given(usage.activeJobs("alice")).willReturn(3);

        assertThatThrownBy(() -> quota.admit(alice, 1)).hasMessageContaining("one more would make 4, over the 3");
        assertThatThrownBy(() -> quota.admit(alice, 2))
                .hasMessageContaining("has 3 queued or running jobs; 2 more (one per sweep member) would make 5");
    }

    @Test
    void theCeilingIsTheQuotaForAUserAndNoneForAnAdmin() {
        // What SweepService refuses a sweep by as too large to ever fit: never counted, so no usage is read.
        try {
            SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(alice, null));
            assertThat(quota.ceiling()).hasValue(3);
            SecurityContextHolder.getContext()
                    .setAuthentication(new TestingAuthenticationToken(new Caller("root", Role.ADMIN), null));
            assertThat(quota.ceiling()).isEmpty();
        } finally {
            SecurityContextHolder.clearContext();
        }
        verifyNoInteractions(usage);
    }

    @Test
    void jobsAreAdmittedWhileTheyFitAndAdminsAlways() {
        given(usage.activeJobs("alice")).willReturn(2);

        assertThatNoException().isThrownBy(() -> quota.admit(alice, 1));
        assertThatThrownBy(() -> quota.admit(alice, 2)).hasMessageContaining("would make 4, over the 3");
        assertThatNoException().isThrownBy(() -> quota.admit(new Caller("root", Role.ADMIN), 100));
    }
}
