package io.trainyard.job;

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
class HistoryWriter implements DisposableBean {

    private final JobHistoryRepository history;
    private final JobRepository jobs;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("trainyard-history-writer"));

    HistoryWriter(JobHistoryRepository history, JobRepository jobs) {
        this.history = history;
        this.jobs = jobs;
    }

    /** Queues a batch and the job's progress at its end; the future completes once both are stored. */
    Future<?> write(HistoryChunk chunk, LiveProgress progress) {
        return executor.submit(() -> {
            history.insert(chunk);
            jobs.recordProgress(chunk.jobId(), progress.iteration(), progress.iterationsPerSecond(),
                    progress.trainLoss(), progress.validationLoss(), progress.testLoss());
        });
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
