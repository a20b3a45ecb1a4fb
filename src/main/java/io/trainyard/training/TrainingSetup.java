package io.trainyard.training;

import java.time.Duration;
import java.util.Optional;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.springframework.stereotype.Component;

import io.trainyard.dataset.Dataset;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.TrainTestSplit;
import io.trainyard.job.EarlyStoppingOption;
import io.trainyard.job.JobSpec;
import io.trainyard.job.OptimizerOption;
import io.trainyard.job.TrainingJob;
import io.trainyard.model.DataDigest;
import io.trainyard.model.ModelNotFoundException;
import io.trainyard.model.ModelService;
import io.trainyard.model.TrainingRun;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.Samples;
import io.trainyard.nn.Trainer;
import io.trainyard.nn.TrainingData;
import io.trainyard.nn.TrainingPlan;

/**
 * The one place where a stored job spec becomes engine objects: the data and its validation split,
 * the fitted preprocessing, the starting network (seeded or warm-started) and the trainer (its plan). A new
 * training option is read here and nowhere else.
 */
@Component
class TrainingSetup {

    /** Salt that separates the validation-split stream from the weight-initialisation stream of one seed. */
    static final long SPLIT_STREAM = 0x5DEECE66DL;

    private final DatasetCatalog datasets;
    private final ModelService models;
    private final JobCheckpoints checkpoints;

    TrainingSetup(DatasetCatalog datasets, ModelService models, JobCheckpoints checkpoints) {
        this.datasets = datasets;
        this.models = models;
        this.checkpoints = checkpoints;
    }

    /**
     * What the engine trains for one job.
     *
     * @param start the starting weights; null when the warm-start model was gone after the job
     *     started, which then resumes from its checkpoint's weights
     * @param preprocessing fitted on the training rows (or the warm-start model's), stored with the result
     * @param dataDigest {@link DataDigest#sha256} of the rows trained on, after the validation split
     */
    record Training(
            TrainingData data,
            Network start,
            Preprocessing preprocessing,
            Trainer trainer,
            Dataset dataset,
            String dataDigest) {

        TrainingPlan plan() {
            return trainer.plan();
        }

        /** What the model's lineage records of this run: data set, digest of the rows trained on, spec, time. */
        TrainingRun lineage(TrainingJob job, Duration took) {
            int features = dataset.features();
            boolean named = dataset.listed() && dataset.columns().size() == features + dataset.targets();
            return new TrainingRun(
                    job.sweepId(),
                    dataset.id(),
                    dataset.name(),
                    dataDigest,
                    job.spec(),
                    took,
                    named ? dataset.columns().subList(0, features) : null,
                    named
                            ? dataset.columns()
                                    .subList(features, dataset.columns().size())
                            : null);
        }
    }

    /**
     * The engine's plan for a spec: optimizer, mini-batches (ordered by the job's seed) and early
     * stopping. A spec stored before these options existed is plain full-batch gradient descent.
     */
    static TrainingPlan plan(JobSpec spec) {
        return new TrainingPlan(
                spec.alpha(),
                spec.iterations(),
                OptimizerOption.engine(spec.optimizer()),
                spec.batchSize(),
                EarlyStoppingOption.engine(spec.earlyStopping()),
                spec.seed());
    }

    /**
     * @throws io.trainyard.dataset.DatasetNotFoundException when the data set was deleted after submission
     * @throws io.trainyard.model.ModelNotFoundException when the warm-start model was deleted after submission
     */
    Training prepare(TrainingJob job) {
        JobSpec spec = job.spec();
        Dataset dataset = datasets.get(spec.dataset());
        // A data set's own validation part wins; the resolver refuses a validationFraction beside one.
        TrainTestSplit split = dataset.hasValidation()
                ? new TrainTestSplit(dataset.trainX(), dataset.trainY(), dataset.validationX(), dataset.validationY())
                : TrainTestSplit.of(
                        dataset.trainX(), dataset.trainY(), spec.validationFraction(), spec.seed() ^ SPLIT_STREAM);
        RealMatrix x = matrix(split.trainX());
        Network network;
        Preprocessing preprocessing;
        if (spec.warmStartModel() != null) {
            Optional<Model> warm = warmStart(job);
            // Gone after the job started (not through the service, which refuses that while the job is
            // queued or running; see JobRunner's missing-input): its checkpoint carries the model's
            // preprocessing, and the run resumes from the checkpoint's weights.
            network = warm.map(Model::network).orElse(null);
            preprocessing = warm.isPresent() ? warm.get().preprocessing() : resumablePreprocessing(job);
        } else {
            try {
                preprocessing = Preprocessing.fit(x, spec.basisDegree(), spec.normalize());
            } catch (Preprocessing.UnusableInputException e) {
                throw new Preprocessing.UnusableInputException("training " + e.getMessage());
            }
            network = Network.initialize(
                    job.layerSizes().stream().mapToInt(Integer::intValue).toArray(),
                    spec.activation(),
                    spec.bias(),
                    spec.scale(),
                    new Well19937c(spec.seed()));
        }
        // The pipeline was fitted on the training rows (or comes with a warm-start model): other rows,
        // or these under another pipeline, may still leave the range of a double once transformed, and
        // would train on or report losses that are not numbers.
        if (spec.warmStartModel() != null) {
            preprocessing.requireUsable(split.trainX(), "training"); // a fit checked them itself
        }
        if (split.testX() != null) {
            preprocessing.requireUsable(split.testX(), "validation");
        }
        if (dataset.hasTest()) {
            preprocessing.requireUsable(dataset.testX(), "test");
        }
        Samples train = Samples.of(preprocessing.apply(x), matrix(split.trainY()));
        Samples validation = split.testX() == null
                ? null
                : Samples.of(preprocessing.apply(matrix(split.testX())), matrix(split.testY()));
        Samples test = dataset.hasTest()
                ? Samples.of(preprocessing.apply(matrix(dataset.testX())), matrix(dataset.testY()))
                : null;
        return new Training(
                new TrainingData(train, validation, test),
                network,
                preprocessing,
                new Trainer(plan(spec), preprocessing.normalize()),
                dataset,
                DataDigest.sha256(split.trainX(), split.trainY()));
    }

    private Optional<Model> warmStart(TrainingJob job) {
        try {
            return Optional.of(models.get(job.spec().warmStartModel()).model());
        } catch (ModelNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The warm-start model's preprocessing as the job's checkpoint stored it.
     *
     * @throws ModelNotFoundException when there is no checkpoint to resume from that carries it
     */
    private Preprocessing resumablePreprocessing(TrainingJob job) {
        return checkpoints
                .find(job.id())
                .flatMap(stored -> {
                    try {
                        StoredCheckpoint.state(stored.state());
                        return StoredCheckpoint.preprocessing(stored.state());
                    } catch (IllegalArgumentException unreadable) {
                        return Optional.empty();
                    }
                })
                .orElseThrow(() -> new ModelNotFoundException(job.spec().warmStartModel()));
    }

    private static RealMatrix matrix(double[][] rows) {
        return new Array2DRowRealMatrix(rows, false);
    }
}
