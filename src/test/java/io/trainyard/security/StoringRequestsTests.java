package io.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class StoringRequestsTests {

    private final StoringRequests storing = new StoringRequests();

    @Test
    void requestsArrivingTogetherAreAdmittedOnlyWhileStoredPlusReservedStaysBelowTheQuota() throws Exception {
        // given 20 requests of 30 bytes each, released at once, for an owner storing nothing under 100
        int requests = 20;
        CyclicBarrier start = new CyclicBarrier(requests);
        ExecutorService threads = Executors.newFixedThreadPool(requests);
        try {
            List<Future<StoringRequests.Admission>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(threads.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return storing.admit("alice", 30, 100, () -> 0);
                }));
            }
            // when they have all been decided
            List<StoringRequests.Admission> admissions = new ArrayList<>();
            for (Future<StoringRequests.Admission> answer : answers) {
                admissions.add(answer.get(10, TimeUnit.SECONDS));
            }

            // then 0, 30, 60 and 90 are below 100: four admitted, one request's worth past the quota at most
            assertThat(admissions.stream().filter(StoringRequests.Admission::admitted))
                    .hasSize(4);
            assertThat(admissions.stream().filter(a -> !a.admitted()))
                    .allSatisfy(a -> assertThat(a.reserved()).isEqualTo(120));
            assertThat(storing.reserved("alice")).isEqualTo(120);
            assertThat(storing.reserved("bob")).as("owners apart").isZero();
        } finally {
            threads.shutdownNow();
        }
        for (int i = 0; i < 4; i++) {
            storing.release("alice", 30);
        }
        assertThat(storing.reserved("alice")).isZero();
        assertThat(storing.admit("alice", 30, 100, () -> 0).admitted()).isTrue();
    }

    @Test
    void aReservationIsReleasedOnlyAfterAnAdmissionReadingTheStoredBytesHasCountedIt() throws Exception {
        // given a request admitted with 60 bytes reserved, and a second one reading the stored bytes
        // before the first has committed
        AtomicLong database = new AtomicLong();
        storing.admit("alice", 60, 50 + 60, database::get);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch committed = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<StoringRequests.Admission> second = threads.submit(() -> storing.admit("alice", 10, 50, () -> {
                long stale = database.get();
                reading.countDown();
                await(committed);
                return stale;
            }));
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

            // when the first commits and ends meanwhile
            database.addAndGet(60);
            Future<?> release = threads.submit(() -> storing.release("alice", 60));
            committed.countDown();

            // then the second has counted its 60 bytes as reserved, since it did not read them as stored
            StoringRequests.Admission admission = second.get(10, TimeUnit.SECONDS);
            assertThat(admission.admitted()).isFalse();
            assertThat(admission.stored() + admission.reserved()).isEqualTo(60);
            release.get(10, TimeUnit.SECONDS);
            assertThat(storing.admit("alice", 10, 50, database::get).admitted())
                    .as("and the next reads them as stored")
                    .isFalse();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anOwnersAdmissionsDoNotWaitForEachOthersReadOfTheStoredBytes() throws Exception {
        // given one admission whose read of the stored bytes hangs (a database that stopped answering)
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<StoringRequests.Admission> hanging = threads.submit(() -> storing.admit("alice", 10, 100, () -> {
                reading.countDown();
                await(answer);
                return 0;
            }));
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

            // when another request of the same owner is admitted meanwhile
            Future<StoringRequests.Admission> next = threads.submit(() -> storing.admit("alice", 10, 100, () -> 0));

            // then it is decided without waiting for the first read
            assertThat(next.get(10, TimeUnit.SECONDS).admitted()).isTrue();
            assertThat(hanging).isNotDone();
            answer.countDown();
            assertThat(hanging.get(10, TimeUnit.SECONDS).reserved())
                    .as("the first counts the second's reservation")
                    .isEqualTo(10);
        } finally {
            answer.countDown();
            threads.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
