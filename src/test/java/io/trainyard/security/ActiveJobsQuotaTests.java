package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What the active-jobs quota says when it refuses, before and after a sweep's size is known. */
class ActiveJobsQuotaTests {

    private final Usage usage = mock(Usage.class);
    private final ActiveJobsQuota quota =
            new ActiveJobsQuota(new QuotaProperties(3, DataSize.ofGigabytes(1), 50, 100, 32), usage);
    private final Caller alice = new Caller("alice", Role.USER);

    @Test
    void aSweepRefusedBeforeItsBodyIsReadIsNotCountedAsOneJob() {
        given(usage.activeJobs("alice")).willReturn(3);

        assertThatThrownBy(() -> quota.admitSweepOfUnknownSize(alice))
                .hasMessageContaining("has 3 queued or running jobs; a sweep (one job per member, at least one)")
                .hasMessageContaining("would make at least 4, over the 3");
        assertThatThrownBy(() -> quota.admit(alice, 1)).hasMessageContaining("one more would make 4, over the 3");
        assertThatThrownBy(() -> quota.admit(alice, 2))
                .hasMessageContaining("2 more (one per sweep member) would make 5");
    }

    @Test
    void aSweepIsLetThroughWhileOneMoreJobFits() {
        given(usage.activeJobs("alice")).willReturn(2);

        assertThatNoException().isThrownBy(() -> quota.admitSweepOfUnknownSize(alice));
        assertThatNoException().isThrownBy(() -> quota.admitSweepOfUnknownSize(new Caller("root", Role.ADMIN)));
    }
}
