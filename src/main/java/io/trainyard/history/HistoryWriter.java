package io.trainyard.history;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.system.DaemonThreads;

/**
 * Writes history batches on one background thread, so training threads never wait for the
 * database. One thread keeps each job's batches in order.
 *
 * <p>Each batch is written in one transaction that starts with the caller's fence (a fenced update
 * of the job row that also locks it): a worker that lost its claim writes nothing. A batch that
 * cannot be stored is retried a few times and then fails its future, which fails the job rather
 * than leaving a silent gap.
 */
@Component
public class HistoryWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HistoryWriter.class);
    private static final int ATTEMPTS = 3;

    private final HistoryRepository history;
    private final TransactionTemplate transactions;
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(DaemonThreads.named("trainyard-history-writer"));

    HistoryWriter(HistoryRepository history, TransactionTemplate transactions) {
        this.history = history;
        this.transactions = transactions;
    }

    /**
     * Queues a batch. In one transaction: {@code fence} (false: the claim is lost, nothing is
     * written), the batch (null for none), then {@code alongside} (e.g. a checkpoint at the batch's
     * last point, which must never be stored without the points before it).
     *
     * @return completes with true once stored, false when the fence refused, exceptionally when the
     *     database kept failing
     */
    public Future<Boolean> write(HistoryChunk chunk, BooleanSupplier fence, Runnable alongside) {
        return executor.submit(() -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    return Boolean.TRUE.equals(transactions.execute(status -> {
                        if (!fence.getAsBoolean()) {
                            return false;
                        }
                        if (chunk != null) {
                            history.insert(chunk);
                        }
                        if (alongside != null) {
                            alongside.run();
                        }
                        return true;
                    }));
                } catch (DataAccessException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    log.warn("History batch not stored (attempt {} of {}): {}", attempt, ATTEMPTS, e.toString());
                    Thread.sleep(200L * attempt);
                }
            }
        });
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
