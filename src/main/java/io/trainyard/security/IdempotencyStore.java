package io.trainyard.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

import io.trainyard.system.Rows;
import io.trainyard.system.Timestamps;

/**
 * The {@code idempotency_keys} table: the first request with a key claims its row (the primary key
 * on owner, key and endpoint lets exactly one of many concurrent duplicates in), and its answer is
 * stored when it is done. Rows live 24 hours; a claim left by a request that never finished (its
 * instance died) is given up after {@link #ABANDONED}, on the database's clock: the creation a claim
 * stands for is rolled back if it has not committed within {@link #CREATION_TIMEOUT}
 * ({@code IdempotencyFilter}), so an older claim is one that can no longer create anything, and its
 * retry may create it. (It was 10 minutes on the instance's own clock: a retry after a crash on a
 * shared PostgreSQL heard "still being handled" for 10 minutes, and a clock ahead by that much
 * could have taken over a live claim.)
 */
@Repository
class IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    static final Duration KEPT = Duration.ofHours(24);
    /** How long the creation behind a claim may take before it is rolled back. */
    static final Duration CREATION_TIMEOUT = Duration.ofSeconds(60);

    /** A claim still without an answer after this is abandoned: well past {@link #CREATION_TIMEOUT}. */
    static final Duration ABANDONED = Duration.ofMinutes(2);

    /** A stored row; {@code status} is null while its first request is still being handled. */
    record Entry(
            String requestHash, Integer status, String location, String contentType, byte[] body, Instant createdAt) {}

    private final JdbcClient jdbc;

    IdempotencyStore(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        if (isEmbedded(dataSource)) {
            releaseAbandonedAtStart();
        }
    }

    /**
     * The embedded database belongs to this process alone, and this runs before the web server takes
     * requests: a claim still pending now was left by a request the previous run died in, which created
     * nothing (its creation commits with its answer). Its retry runs at once instead of hearing "still
     * being handled" (409) until the claim counts as {@link #ABANDONED}. On a shared PostgreSQL another
     * instance may be handling it, so there the claim waits as before.
     */
    private void releaseAbandonedAtStart() {
        int released =
                jdbc.sql("DELETE FROM idempotency_keys WHERE status IS NULL").update();
        if (released > 0) {
            log.info("Released {} Idempotency-Key claim(s) left by requests the previous run did not finish", released);
        }
    }

    private static boolean isEmbedded(DataSource dataSource) {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, meta -> meta.getDatabaseProductName());
            return "H2".equalsIgnoreCase(product);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Claims the key for a request with this body hash.
     *
     * @return empty when this request holds the claim now; otherwise the row that was there first
     */
    Optional<Entry> claim(String owner, String key, String endpoint, String hash) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                jdbc.sql("""
                        INSERT INTO idempotency_keys (owner, idem_key, endpoint, request_hash, created_at)
                        VALUES (:owner, :key, :endpoint, :hash, CURRENT_TIMESTAMP)""")
                        .param("owner", owner)
                        .param("key", key)
                        .param("endpoint", endpoint)
                        .param("hash", hash)
                        .update();
                return Optional.empty();
            } catch (DuplicateKeyException taken) {
                Optional<Entry> existing = find(owner, key, endpoint);
                if (existing.isEmpty()) {
                    continue; // removed between our insert and read: try once more
                }
                Entry entry = existing.get();
                Instant now = databaseNow();
                boolean expired = entry.createdAt().plus(KEPT).isBefore(now);
                boolean abandoned = entry.status() == null
                        && entry.createdAt().plus(ABANDONED).isBefore(now);
                if (!expired && !abandoned) {
                    return existing;
                }
                // Only the request that removes this very row may claim it afresh.
                jdbc.sql("""
                        DELETE FROM idempotency_keys
                        WHERE owner = :owner AND idem_key = :key AND endpoint = :endpoint AND created_at = :created""")
                        .param("owner", owner)
                        .param("key", key)
                        .param("endpoint", endpoint)
                        .param("created", Rows.time(entry.createdAt()))
                        .update();
            }
        }
        return find(owner, key, endpoint);
    }

    /** The database's clock, which every instance's claims are written on. */
    private Instant databaseNow() {
        return jdbc.sql("SELECT CURRENT_TIMESTAMP")
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
    }

    void complete(
            String owner, String key, String endpoint, int status, String location, String contentType, byte[] body) {
        jdbc.sql("""
                UPDATE idempotency_keys SET status = :status, location = :location, content_type = :type, body = :body
                WHERE owner = :owner AND idem_key = :key AND endpoint = :endpoint""")
                .param("status", status)
                .param("location", location)
                .param("type", contentType)
                .param("body", body)
                .param("owner", owner)
                .param("key", key)
                .param("endpoint", endpoint)
                .update();
    }

    /** Gives a claim up (the request failed in a way a retry may fix), so the next attempt runs afresh. */
    void release(String owner, String key, String endpoint) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE owner = :owner AND idem_key = :key AND endpoint = :endpoint "
                        + "AND status IS NULL")
                .param("owner", owner)
                .param("key", key)
                .param("endpoint", endpoint)
                .update();
    }

    private Optional<Entry> find(String owner, String key, String endpoint) {
        return jdbc.sql("""
                SELECT request_hash, status, location, content_type, body, created_at FROM idempotency_keys
                WHERE owner = :owner AND idem_key = :key AND endpoint = :endpoint""")
                .param("owner", owner)
                .param("key", key)
                .param("endpoint", endpoint)
                .query(IdempotencyStore::map)
                .optional();
    }

    /** Forgets answers older than 24 hours. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void removeExpired() {
        int removed = jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .param("cutoff", Rows.time(Timestamps.now().minus(KEPT)))
                .update();
        if (removed > 0) {
            log.debug("Removed {} expired idempotency keys", removed);
        }
    }

    private static Entry map(ResultSet rs, int row) throws SQLException {
        int code = rs.getInt("status");
        Integer status = rs.wasNull() ? null : code;
        return new Entry(
                rs.getString("request_hash"),
                status,
                rs.getString("location"),
                rs.getString("content_type"),
                rs.getBytes("body"),
                Rows.instant(rs, "created_at"));
    }
}
