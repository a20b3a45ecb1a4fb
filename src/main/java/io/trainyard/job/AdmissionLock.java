package io.trainyard.job;

import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes "count the queued and active jobs, then queue more" one step: held from the count until the
 * transaction that inserts the jobs ends, so two submits cannot both take the last free place in the
 * queue or in an owner's quota. On PostgreSQL it is a transaction-scoped advisory lock, which every
 * instance sharing the database respects; the embedded H2 database belongs to one process, where a
 * lock in the JVM does the same.
 *
 * <p>It covers only the counts and the inserts (a few milliseconds), not the validation or the storing
 * of inline data before them.
 */
@Component
class AdmissionLock {

    /** Any fixed number: the advisory lock's name, the same in every instance. */
    private static final long KEY = 0x7472_6169_6e79_6172L; // "trainyar"

    private final JdbcClient jdbc;
    private final boolean postgres;
    private final ReentrantLock local = new ReentrantLock(true);

    AdmissionLock(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.postgres = isPostgres(dataSource);
    }

    /**
     * Waits for the lock and holds it until the current transaction commits or rolls back.
     *
     * @throws IllegalStateException outside a transaction, where it would never be released
     */
    void holdUntilTransactionEnds() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("The admission lock needs a transaction to end it");
        }
        if (postgres) {
            jdbc.sql("SELECT pg_advisory_xact_lock(:key)")
                    .param("key", KEY)
                    .query()
                    .listOfRows();
            return;
        }
        if (local.isHeldByCurrentThread()) {
            return; // a sweep's members are admitted in the sweep's one transaction
        }
        local.lock();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                local.unlock();
            }
        });
    }

    private static boolean isPostgres(DataSource dataSource) {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, meta -> meta.getDatabaseProductName());
            return "PostgreSQL".equalsIgnoreCase(product);
        } catch (Exception e) {
            throw new IllegalStateException("Could not tell which database this is", e);
        }
    }
}
