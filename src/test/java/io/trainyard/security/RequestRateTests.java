package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-owner token bucket on a clock the test moves: N per second sustained, bursts of B. */
class RequestRateTests {

    private final AtomicLong now = new AtomicLong(123_456_789L);

    /** 5 per second with bursts of 10: a token every 200 ms. */
    private final RequestRate rate = new RequestRate(5, 10, now::get);

    private int admittedNow(String owner, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (rate.take(owner).isZero()) {
                admitted++;
            }
        }
        return admitted;
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void aFullBucketAdmitsTheBurstAndThenOneRequestPerIntervalNotAWholeWindowLater() {
        assertThat(admittedNow("alice", 50)).as("the burst").isEqualTo(10);
        Duration wait = rate.take("alice");
        assertThat(wait).as("until one token is back").isEqualTo(Duration.ofMillis(200));

        advance(Duration.ofMillis(199));
        assertThat(rate.take("alice")).isEqualTo(Duration.ofMillis(1));
        advance(Duration.ofMillis(1));
        // 1/N s after the burst was spent: one token back, one request admitted, the next refused.
        assertThat(admittedNow("alice", 5)).isEqualTo(1);

        // The fixed window let 2 × burst through across its edge; a bucket lets burst + rate × time.
        advance(Duration.ofSeconds(1));
        assertThat(admittedNow("alice", 50)).as("five tokens a second").isEqualTo(5);
    }

    @Test
    void aSustainedRateAtTheLimitIsAlwaysAdmitted() {
        admittedNow("alice", 10);
        for (int i = 0; i < 100; i++) {
            advance(Duration.ofMillis(200));
            assertThat(rate.take("alice")).as("request %d", i).isZero();
        }
    }

    @Test
    void refusalsDoNotPushTheNextTokenBackAndIdleTimeRefillsUpToTheBurstOnly() {
        admittedNow("alice", 10);
        for (int i = 0; i < 100; i++) {
            assertThat(rate.take("alice")).isPositive();
        }
        advance(Duration.ofMillis(200));
        assertThat(rate.take("alice")).isZero();

        advance(Duration.ofHours(1));
        assertThat(admittedNow("alice", 50))
                .as("a full bucket holds the burst, no more")
                .isEqualTo(10);
    }

    @Test
    void ownersHaveBucketsOfTheirOwn() {
        assertThat(admittedNow("alice", 20)).isEqualTo(10);
        assertThat(admittedNow("bob", 20)).isEqualTo(10);
    }

    @Test
    void retryAfterIsTheWaitInWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(RequestRateLimit.roundedUp(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RequestRateLimit.roundedUp(Duration.ofNanos(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RequestRateLimit.roundedUp(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RequestRateLimit.roundedUp(Duration.ofMillis(1001))).isEqualTo(Duration.ofSeconds(2));

        RequestRate slow = new RequestRate(1, 1, now::get);
        slow.take("alice");
        assertThat(RequestRateLimit.roundedUp(slow.take("alice"))).isEqualTo(Duration.ofSeconds(1));
    }
}
