package io.trainyard.job;

import java.time.Instant;
import java.util.List;

/**
 * A job as stored: its spec, status, claim and latest progress.
 *
 * @param owner the instance training it while RUNNING
 * @param progressIteration the last iteration written to the history
 */
record TrainingJob(
        String id,
        String name,
        JobStatus status,
        JobSpec spec,
        String sweepId,
        List<Integer> layerSizes,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        String owner,
        Instant heartbeatAt,
        boolean cancelRequested,
        Integer progressIteration,
        Double iterationsPerSecond,
        Double trainLoss,
        Double validationLoss,
        Double testLoss,
        Integer trainRows,
        Integer validationRows,
        Integer testRows,
        String errorType,
        String errorDetail,
        String modelId,
        int version) {
}
