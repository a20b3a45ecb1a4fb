package io.trainyard.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Each owner's request rate as a token bucket: it holds at most {@code burst} tokens, gains one every
 * {@code 1 / perSecond} seconds (continuously, not all at once at the end of a period), and a request
 * takes one or is refused. So an owner may send {@code burst} requests at once and {@code perSecond}
 * per second for ever after, and one that has spent its burst is served again as soon as a token is
 * back, not when a whole window has passed.
 *
 * <p>Kept as one number per owner, the time at which its bucket would be full again if nothing more
 * were taken (the "theoretical arrival time" of the generic cell rate algorithm): a request at
 * {@code now} is admitted when that time is at most {@code (burst - 1)} intervals ahead of
 * {@code now}, and moves it one interval further. A refusal changes nothing, so a client that keeps
 * retrying is not pushed further back.
 *
 * <p><b>Per instance.</b> The numbers live in this instance's memory, so instances sharing a database
 * each give an owner a bucket of its own (two admitted 285 requests in 1.8 s where one bucket admits
 * about 190). That is the design, not an oversight: the rate guards each instance's threads and CPU,
 * and a shared bucket would cost a database round trip on every request. The quotas that must hold
 * across instances (active jobs, queue capacity, storage) are counted in the database.
 */
final class RequestRate {

    private final long interval;
    private final long tolerance;
    private final LongSupplier nanoClock;
    private final Cache<String, AtomicLong> buckets = Caffeine.newBuilder()
            // An owner idle this long is forgotten: at any usual setting its bucket is full again by then.
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000)
            .build();

    /**
     * @param perSecond tokens gained per second (at least 1 is used)
     * @param burst tokens the bucket holds (at least 1 is used)
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own)
     */
    RequestRate(int perSecond, int burst, LongSupplier nanoClock) {
        this.interval = Math.max(1, 1_000_000_000L / Math.max(1, perSecond));
        this.tolerance = (long) (Math.max(1, burst) - 1) * interval;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one of {@code owner}'s tokens.
     *
     * @return {@link Duration#ZERO} when the request is admitted, else how long until a token is back
     */
    Duration take(String owner) {
        AtomicLong full = buckets.get(owner, name -> new AtomicLong(Long.MIN_VALUE));
        while (true) {
            long now = nanoClock.getAsLong();
            long current = full.get();
            // A bucket that has been full for a while is simply full: its time is never behind now.
            long from = current == Long.MIN_VALUE || current - now < 0 ? now : current;
            long ahead = from - now;
            if (ahead > tolerance) {
                return Duration.ofNanos(ahead - tolerance);
            }
            if (full.compareAndSet(current, from + interval)) {
                return Duration.ZERO;
            }
        }
    }
}
