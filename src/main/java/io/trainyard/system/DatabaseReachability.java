package io.trainyard.system;

import java.util.Optional;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * What the latest background check of the database found ({@code system/DatabaseHealth}, the
 * readiness check), read without asking the database: a request can then be refused at once while
 * the database is known to be gone, instead of waiting for the pool's connection timeout (30 s).
 */
public interface DatabaseReachability {

    /**
     * Empty while the database answers; otherwise the failure a request would meet, for the problem
     * advice to answer (503 with {@code Retry-After}), with the check's own failure as its cause.
     */
    Optional<DataAccessResourceFailureException> outage();
}
