package io.trainyard.history;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.trainyard.system.DaemonThreads;

/**
 * Writes history batches on one background thread, so training threads never wait for the
 * database. One thread keeps each job's batches in order.
 */
@Component
public class HistoryWriter implements DisposableBean {

    private final HistoryRepository history;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("trainyard-history-writer"));

    HistoryWriter(HistoryRepository history) {
        this.history = history;
    }

    /**
     * Queues a batch, and what to record once it is stored (the job's progress at its end); the
     * future completes once both are done.
     */
    public Future<?> write(HistoryChunk chunk, Runnable afterStored) {
        return executor.submit(() -> {
            history.insert(chunk);
            afterStored.run();
        });
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
