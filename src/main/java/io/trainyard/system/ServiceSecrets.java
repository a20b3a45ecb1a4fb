package io.trainyard.system;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Random secrets shared by every instance of one database (the {@code service_secrets} table, V16):
 * made by the first instance that asks for one, read by all the others, kept across restarts.
 */
@Repository
class ServiceSecrets {

    private static final int BYTES = 32;

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final SecureRandom random = new SecureRandom();

    ServiceSecrets(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        // The insert that may lose a race runs on its own: on PostgreSQL its failure would otherwise spoil
        // the transaction of the request that asked (H2 has no ON CONFLICT DO NOTHING to avoid the failure).
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The secret of this name: 256 random bits, made now when this database has none yet. */
    byte[] get(String name) {
        Optional<String> stored = find(name);
        if (stored.isEmpty()) {
            byte[] fresh = new byte[BYTES];
            random.nextBytes(fresh);
            try {
                ownTransaction.executeWithoutResult(status -> jdbc.sql("""
                                INSERT INTO service_secrets (name, secret, created_at) VALUES (:name, :secret, :now)""")
                        .param("name", name)
                        .param("secret", HexFormat.of().formatHex(fresh))
                        .param("now", Rows.time(Timestamps.now()))
                        .update());
            } catch (DuplicateKeyException lost) {
                // Another instance (or thread) made it a moment ago: its secret is the one, read below.
            }
            stored = find(name);
        }
        return HexFormat.of().parseHex(stored.orElseThrow(() -> new IllegalStateException("no secret " + name)));
    }

    private Optional<String> find(String name) {
        return jdbc.sql("SELECT secret FROM service_secrets WHERE name = :name")
                .param("name", name)
                .query(String.class)
                .optional();
    }
}
