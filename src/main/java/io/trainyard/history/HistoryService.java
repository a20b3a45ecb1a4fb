package io.trainyard.history;

import java.util.List;

import org.springframework.stereotype.Service;

import io.trainyard.job.TrainingJob;

/** Reading stored histories back as columns, whole or downsampled. */
@Service
public class HistoryService {

    private final HistoryRepository repository;

    HistoryService(HistoryRepository repository) {
        this.repository = repository;
    }

    /**
     * The points of {@code job} after iteration {@code since}, downsampled to at most
     * {@code maxPoints} (null for all).
     *
     * @param byLoss keep the shape of the train loss (true) or of the summed gradient norms (false)
     */
    JobHistory read(TrainingJob job, int since, Integer maxPoints, boolean byLoss) {
        int layers = job.layerSizes().size() - 1;
        JobHistory history = null;
        if (maxPoints != null) {
            // Downsampling from the coarse level reads a few dozen points per stored batch instead of
            // thousands; it is enough whenever it holds at least as many points as were asked for.
            HistoryRepository.CoarseStats coarse = repository.coarseStats(job.id(), since);
            if (coarse.rows() > 0 && coarse.points() > maxPoints && coarse.kept() >= maxPoints) {
                history = CoarseLevel.history(repository.findCoarseSince(job.id(), since), since, layers);
            }
        }
        if (history == null) {
            history = JobHistory.of(repository.findSince(job.id(), since), since, layers);
        }
        if (maxPoints == null || maxPoints >= history.size()) {
            return history;
        }
        double[] shape = history.train();
        if (!byLoss) {
            shape = new double[history.size()];
            for (double[] layer : history.gradientNorms()) {
                for (int i = 0; i < shape.length; i++) {
                    shape[i] += layer[i];
                }
            }
        }
        return history.downsample(maxPoints, shape);
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
