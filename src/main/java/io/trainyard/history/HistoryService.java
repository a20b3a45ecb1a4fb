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
        JobHistory history = JobHistory.of(repository.findSince(job.id(), since), since, job.layerSizes().size() - 1);
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
        return jobs.stream().map(job -> {
            JobHistory history = read(job, -1, maxPoints, true);
            return new MemberCurve(job.id(), history.iteration(), history.train(), history.validation(),
                    history.test());
        }).toList();
    }
}
