package io.trainyard.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionOperations;

import io.trainyard.system.Rows;

/** The {@code api_keys} table: secrets only as hex SHA-256; revoked rows stay so names stay taken. */
@Repository
class KeyRepository {

    /** The row created by the V4 migration for the bootstrap admin. */
    static final String ADMIN_ID = "00000000-0000-0000-0000-000000000001";

    static final String ADMIN_NAME = "admin";

    record KeyRow(
            String id,
            String name,
            Role role,
            String secretHash,
            Instant createdAt,
            Instant lastUsedAt,
            Instant revokedAt) {}

    /** What {@link #revoke} did. */
    enum Revocation {
        REVOKED,
        /** No active key has this id (revoked meanwhile, perhaps by another instance). */
        NO_SUCH_KEY,
        /** Refused: no other active admin key with a secret would remain. */
        LAST_ADMIN
    }

    /** What {@link #configureAdminSecret} found in the admin row before it wrote the configured key's hash. */
    enum AdminSecret {
        /** It already held this hash (a restart, or another instance with the same key got there first). */
        UNCHANGED,
        /** It had no secret yet (a first start with the key configured). */
        SET,
        /** It held another secret, which no longer works: a generated admin.key, or an earlier configured key. */
        REPLACED,
        /** It had been revoked; the configured key makes it active again. */
        REACTIVATED
    }

    private final JdbcClient jdbc;
    private final TransactionOperations transactions;

    KeyRepository(JdbcClient jdbc, TransactionOperations transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * @param foldedName the name as names are compared ({@code ApiKeys.folded}): unique, so this
     *     throws {@code DuplicateKeyException} for a name taken exactly or but for case
     */
    void insert(KeyRow key, String foldedName) {
        jdbc.sql("""
                INSERT INTO api_keys (id, name, folded_name, role, secret_hash, created_at)
                VALUES (:id, :name, :folded, :role, :hash, :createdAt)""")
                .param("id", key.id())
                .param("name", key.name())
                .param("folded", foldedName)
                .param("role", key.role().wire())
                .param("hash", key.secretHash())
                .param("createdAt", Rows.time(key.createdAt()))
                .update();
    }

    /** Keys' names, revoked or not, equal to {@code name} but for case (several where older versions allowed it). */
    List<String> namesLike(String name) {
        return jdbc.sql("SELECT name FROM api_keys WHERE LOWER(name) = LOWER(:name) ORDER BY created_at")
                .param("name", name)
                .query(String.class)
                .list();
    }

    /**
     * Names that share their folded form with an older key's: case variants created, before V15, by
     * instances that checked case under a lock of their own. They are kept (they own data); V15 gave
     * each a folded name of its own.
     */
    List<String> caseVariantsKeptApart() {
        return jdbc.sql("SELECT name FROM api_keys WHERE folded_name <> LOWER(name) ORDER BY created_at, id")
                .query(String.class)
                .list();
    }

    Optional<KeyRow> findActiveByHash(String hash) {
        return jdbc.sql("SELECT * FROM api_keys WHERE secret_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash)
                .query(this::map)
                .optional();
    }

    Optional<KeyRow> findActive(String id) {
        return jdbc.sql("SELECT * FROM api_keys WHERE id = :id AND revoked_at IS NULL")
                .param("id", id)
                .query(this::map)
                .optional();
    }

    List<KeyRow> active() {
        return jdbc.sql("SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, name")
                .query(this::map)
                .list();
    }

    /**
     * Revokes an active key, unless it is an admin key and no other active admin key with a secret
     * would remain: then nobody could create or revoke keys until a restart wrote a new admin.key.
     *
     * <p>Two admins revoking each other at the same moment (on one instance, or on two sharing
     * PostgreSQL) must not both succeed, yet each check alone passes (each still sees the other
     * active). So an admin revocation first locks every admin row, in one order: the second waits
     * until the first commits, and its count, a statement of its own (read committed: a fresh
     * snapshot), sees the first one's revocation. User keys need no lock: revoking one leaves every
     * admin key as it was.
     */
    Revocation revoke(String id, Instant now) {
        return transactions.execute(status -> {
            Optional<KeyRow> row = findActive(id);
            if (row.isEmpty()) {
                return Revocation.NO_SUCH_KEY;
            }
            if (row.get().role() == Role.ADMIN) {
                jdbc.sql("SELECT id FROM api_keys WHERE role = 'admin' ORDER BY id FOR UPDATE")
                        .query(String.class)
                        .list();
                int others = jdbc.sql("""
                                SELECT COUNT(*) FROM api_keys
                                WHERE role = 'admin' AND secret_hash IS NOT NULL AND revoked_at IS NULL
                                    AND id <> :id""").param("id", id).query(Integer.class).single();
                if (others == 0) {
                    return Revocation.LAST_ADMIN;
                }
            }
            boolean revoked = jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                            .param("now", Rows.time(now))
                            .param("id", id)
                            .update()
                    == 1;
            return revoked ? Revocation.REVOKED : Revocation.NO_SUCH_KEY;
        });
    }

    void touch(String id, Instant now) {
        jdbc.sql("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
                .param("now", Rows.time(now))
                .param("id", id)
                .update();
    }

    /** Whether an admin key with a secret exists (the bootstrap admin counts once its secret is set). */
    boolean anyUsableAdmin() {
        return jdbc.sql("""
                SELECT COUNT(*) FROM api_keys
                WHERE role = 'admin' AND secret_hash IS NOT NULL AND revoked_at IS NULL""").query(Integer.class).single() > 0;
    }

    /**
     * Gives the bootstrap admin row a secret, re-activating it; false when another instance got there
     * first (the guard makes two instances starting at once on one PostgreSQL agree on one key).
     */
    boolean setAdminSecret(String hash) {
        return jdbc.sql("""
                UPDATE api_keys SET secret_hash = :hash, revoked_at = NULL
                WHERE id = :id AND (secret_hash IS NULL OR revoked_at IS NOT NULL)""").param("hash", hash).param("id", ADMIN_ID).update() == 1;
    }

    /**
     * Makes {@code hash} (the configured bootstrap key's) the admin row's secret, active: the configured
     * key is then <em>the</em> admin key, for every instance sharing the database, and whatever secret
     * the row held before (a generated admin.key, an earlier configured key) no longer works. Under the
     * row's lock, so that instances starting at once with the same key agree on what it replaced.
     *
     * @throws org.springframework.dao.DuplicateKeyException when another key already has this secret
     */
    AdminSecret configureAdminSecret(String hash) {
        return transactions.execute(status -> {
            KeyRow admin = jdbc.sql("SELECT * FROM api_keys WHERE id = :id FOR UPDATE")
                    .param("id", ADMIN_ID)
                    .query(this::map)
                    .single();
            if (hash.equals(admin.secretHash()) && admin.revokedAt() == null) {
                return AdminSecret.UNCHANGED;
            }
            jdbc.sql("UPDATE api_keys SET secret_hash = :hash, revoked_at = NULL WHERE id = :id")
                    .param("hash", hash)
                    .param("id", ADMIN_ID)
                    .update();
            if (admin.revokedAt() != null) {
                return AdminSecret.REACTIVATED;
            }
            return admin.secretHash() == null ? AdminSecret.SET : AdminSecret.REPLACED;
        });
    }

    /** The name of the key, active or revoked, whose secret has this hash. */
    Optional<String> nameByHash(String hash) {
        return jdbc.sql("SELECT name FROM api_keys WHERE secret_hash = :hash")
                .param("hash", hash)
                .query(String.class)
                .optional();
    }

    private KeyRow map(ResultSet rs, int row) throws SQLException {
        return new KeyRow(
                rs.getString("id"),
                rs.getString("name"),
                Role.parse(rs.getString("role")),
                rs.getString("secret_hash"),
                Rows.instant(rs, "created_at"),
                Rows.instant(rs, "last_used_at"),
                Rows.instant(rs, "revoked_at"));
    }
}
