package io.trainyard.history;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;

import io.trainyard.job.TrainingJob;
import io.trainyard.system.RequestMemory;

/** Reading stored histories back as columns, whole or downsampled. */
@Service
public class HistoryService {

    private final HistoryRepository repository;
    private final RequestMemory memory;

    HistoryService(HistoryRepository repository, RequestMemory memory) {
        this.repository = repository;
        this.memory = memory;
    }

    /**
     * The points of {@code job} after iteration {@code since}, downsampled to at most
     * {@code maxPoints} (null for all).
     *
     * <p>A downsampled read holds a bounded number of points whatever the history's length: from the
     * coarse level when it has enough points (a few dozen per stored batch), else by streaming the
     * full batches a few at a time through {@link Downsampling.StreamedKeepingExtremes}, which keeps exactly the
     * points the whole history would give. Only a read without {@code maxPoints} (or asking for at
     * least every point) holds the whole history: it answers with all of it anyway.
     *
     * @param byLoss keep the shape of the train loss (true) or of the summed gradient norms (false)
     */
    JobHistory read(TrainingJob job, int since, Integer maxPoints, boolean byLoss) {
        int layers = job.layerSizes().size() - 1;
        if (repository.isPruned(job.id())) {
            return coarseOnly(job.id(), since, maxPoints, byLoss, layers);
        }
        long points = -1;
        if (maxPoints != null) {
            // Downsampling from the coarse level reads a few dozen points per stored batch instead of
            // thousands; it is enough whenever it holds at least as many points as were asked for.
            HistoryRepository.CoarseStats coarse = repository.coarseStats(job.id(), since);
            if (coarse.rows() > 0 && coarse.points() > maxPoints && coarse.kept() >= maxPoints) {
                List<CoarseLevel.Row> rows = repository.findCoarseSince(job.id(), since);
                JobHistory history = CoarseLevel.history(rows, since, layers, Resolution.FULL);
                // The coarse level keeps each batch's first point but not every point: when `since` cuts
                // into a batch, the first point after it may be missing there, and the answer must start
                // with it. Then (or when too few coarse points are left after `since`) read the full batches.
                if (!rows.isEmpty()
                        && history.size() >= maxPoints
                        && history.iteration()[0]
                                == Math.max((long) since + 1, rows.get(0).firstIteration())) {
                    return downsample(history, maxPoints, byLoss);
                }
            }
            HistoryRepository.RawStats raw = repository.rawStats(job.id(), since);
            points = raw.pointsAfter(since);
            if (points > maxPoints) {
                return streamed(job.id(), since, maxPoints, byLoss, layers, raw, (int) points);
            }
        }
        // The whole history is read and held: long ones take their memory from a shared budget first.
        long whole = points >= 0 ? points : repository.rawStats(job.id(), since).pointsAfter(since);
        memory.reserve(
                wholeReadBytes(whole, layers),
                "a whole read of " + whole + " history points",
                "ask for ?maxPoints=… (a bounded read that never waits)");
        JobHistory history = JobHistory.of(repository.findSince(job.id(), since), since, layers);
        if (history.size() == 0 && repository.isPruned(job.id())) {
            // Pruned between the check above and the read: the batches went in one transaction with the mark.
            return coarseOnly(job.id(), since, maxPoints, byLoss, layers);
        }
        return maxPoints == null ? history : downsample(history, maxPoints, byLoss);
    }

    /**
     * Bytes a whole read of {@code points} points of a network with {@code layers} weight matrices holds
     * at its peak: per point the iteration, three losses, three mean squared errors, and a gradient and a
     * weight norm per layer, as decoded doubles, as columns and as text of about three times that.
     */
    static long wholeReadBytes(long points, int layers) {
        return points * (7L + 2L * layers) * Double.BYTES * 5;
    }

    private JobHistory coarseOnly(String jobId, int since, Integer maxPoints, boolean byLoss, int layers) {
        JobHistory history =
                CoarseLevel.history(repository.findCoarseSince(jobId, since), since, layers, Resolution.COARSE);
        return maxPoints == null ? history : downsample(history, maxPoints, byLoss);
    }

    private static JobHistory downsample(JobHistory history, int maxPoints, boolean byLoss) {
        if (maxPoints >= history.size()) {
            return history;
        }
        if (byLoss) {
            // The triangles follow the train loss; validation's and test's own lowest and highest points
            // (validation's lowest is where early stopping's model comes from) are kept besides.
            return history.downsample(maxPoints, history.train(), otherLosses(history.validation(), history.test()));
        }
        double[] shape = new double[history.size()];
        for (double[] layer : history.gradientNorms()) {
            for (int i = 0; i < shape.length; i++) {
                shape[i] += layer[i];
            }
        }
        return history.downsample(maxPoints, shape);
    }

    /** The validation and test curves that are present, in that order. */
    private static double[][] otherLosses(double[] validation, double[] test) {
        return java.util.stream.Stream.of(validation, test)
                .filter(java.util.Objects::nonNull)
                .toArray(double[][]::new);
    }

    /**
     * The {@code maxPoints} of the full batches that {@link JobHistory#downsample} would keep, read a few
     * batches at a time. The batches are those counted in {@code raw}: points appended meanwhile by a
     * running job are left for the next read.
     */
    private JobHistory streamed(
            String jobId,
            int since,
            int maxPoints,
            boolean byLoss,
            int layers,
            HistoryRepository.RawStats raw,
            int points) {
        JobHistory.Builder[] kept = new JobHistory.Builder[1];
        // Made with the first batch, which tells which of validation and test the history has.
        List<Downsampling.StreamedKeepingExtremes<HistoryChunk>> downsampling = new java.util.ArrayList<>(1);
        double[] others = new double[2];
        repository.forEachSince(jobId, since, raw.firstOfLast(), chunk -> {
            if (kept[0] == null) {
                kept[0] = new JobHistory.Builder(layers, chunk.validation() != null, chunk.test() != null, maxPoints);
                int curves = byLoss ? (chunk.validation() != null ? 1 : 0) + (chunk.test() != null ? 1 : 0) : 0;
                downsampling.add(new Downsampling.StreamedKeepingExtremes<>(
                        points, maxPoints, curves, (source, i) -> kept[0].add(source, i)));
            }
            for (int i = 0; i < chunk.count(); i++) {
                int iteration = chunk.firstIteration() + i;
                if (iteration <= since) {
                    continue;
                }
                double shape;
                if (byLoss) {
                    shape = chunk.train()[i];
                } else {
                    // Summed in the order JobHistory's read sums the columns: the same doubles, the same choice.
                    shape = 0;
                    for (int l = 0; l < layers; l++) {
                        shape += chunk.gradientNorms()[i * chunk.layers() + l];
                    }
                }
                int curves = 0;
                if (byLoss && chunk.validation() != null) {
                    others[curves++] = chunk.validation()[i];
                }
                if (byLoss && chunk.test() != null) {
                    others[curves++] = chunk.test()[i];
                }
                downsampling.get(0).offer(iteration, Math.log10(Math.max(shape, 1e-300)), others, chunk, i);
            }
        });
        downsampling.forEach(Downsampling.StreamedKeepingExtremes::finish);
        return kept[0] == null ? JobHistory.of(List.of(), since, layers) : kept[0].build();
    }

    /**
     * A job's losses at one history point: from its full-resolution batch, or once the retention
     * setting has dropped those, from the coarse level when it kept that point.
     *
     * @return empty when no stored level holds the point
     */
    public Optional<LossPoint> lossesAt(String jobId, int iteration) {
        Optional<HistoryChunk> full = repository.findContaining(jobId, iteration);
        if (full.isPresent()) {
            HistoryChunk chunk = full.get();
            int i = iteration - chunk.firstIteration();
            return Optional.of(new LossPoint(
                    iteration,
                    chunk.train()[i],
                    chunk.validation() == null ? null : chunk.validation()[i],
                    chunk.test() == null ? null : chunk.test()[i]));
        }
        return repository.findCoarseContaining(jobId, iteration).flatMap(row -> {
            for (int k = 0; k < row.iterations().length; k++) {
                if (row.iterations()[k] == iteration) {
                    return Optional.of(new LossPoint(
                            iteration,
                            row.train()[k],
                            row.validation() == null ? null : row.validation()[k],
                            row.test() == null ? null : row.test()[k]));
                }
            }
            return Optional.empty();
        });
    }

    /**
     * The most points a read of {@code jobId}'s whole history can hold: its full-resolution points plus
     * what its coarse level keeps (a read takes one level or the other, and retention moving points
     * from the first to the second only lowers the sum).
     */
    public long storedPoints(String jobId) {
        return repository.storedPoints(jobId);
    }

    /** Each job's loss curves, downsampled to at most {@code maxPoints} (null for all), in the given order. */
    public List<MemberCurve> curves(List<TrainingJob> jobs, Integer maxPoints) {
        return jobs.stream()
                .map(job -> {
                    JobHistory history = read(job, -1, maxPoints, true);
                    return new MemberCurve(
                            job.id(), history.iteration(), history.train(), history.validation(), history.test());
                })
                .toList();
    }
}
