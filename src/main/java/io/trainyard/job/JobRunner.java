package io.trainyard.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.util.MathArrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.trainyard.dataset.Dataset;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.model.ModelService;
import io.trainyard.model.StoredModel;
import io.trainyard.nn.Activation;
import io.trainyard.nn.GradientDescent;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.Samples;
import io.trainyard.nn.TrainingData;
import io.trainyard.nn.TrainingResult;
import io.trainyard.system.TrainyardProperties;

/**
 * Trains one claimed job from its stored spec: data, validation split, preprocessing, initial
 * weights, gradient descent, then the job's final status and model. Never throws: whatever
 * happens, the job leaves RUNNING (or is handed back to the queue when this instance stops).
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    /** Salt that separates the validation-split stream from the weight-initialisation stream of one seed. */
    private static final long SPLIT_STREAM = 0x5DEECE66DL;

    private final JobRepository jobs;
    private final JobHistoryRepository history;
    private final DatasetCatalog datasets;
    private final ModelService models;
    private final HistoryWriter writer;
    private final RunningJobs running;
    private final JobMetrics metrics;
    private final TrainyardProperties properties;
    private final org.springframework.context.ApplicationEventPublisher events;

    JobRunner(JobRepository jobs, JobHistoryRepository history, DatasetCatalog datasets, ModelService models,
            HistoryWriter writer, RunningJobs running, JobMetrics metrics, TrainyardProperties properties,
            org.springframework.context.ApplicationEventPublisher events) {
        this.jobs = jobs;
        this.history = history;
        this.datasets = datasets;
        this.models = models;
        this.writer = writer;
        this.running = running;
        this.metrics = metrics;
        this.properties = properties;
        this.events = events;
    }

    /**
     * Trains {@code job}, which {@code owner} has just claimed.
     *
     * @param stopping true once this instance is shutting down
     */
    void run(TrainingJob job, String owner, BooleanSupplier stopping) {
        JobSpec spec = job.spec();
        RunningJob live = running.start(job.id(), spec.iterations());
        long started = System.nanoTime();
        events.publishEvent(new JobStarted(job));
        log.info("Job {} started (attempt {}): layers {}, {} activation, alpha {}, {} iterations, seed {}", job.id(),
                job.attempts(), job.layerSizes(), spec.activation(), spec.alpha(), spec.iterations(), spec.seed());
        try {
            // A retrained job starts from its seed again; history from an interrupted attempt goes.
            history.deleteAll(job.id());
            Prepared prepared = prepare(job);
            jobs.recordRows(job.id(), prepared.data.train().rows(),
                    prepared.data.validation() == null ? 0 : prepared.data.validation().rows(),
                    prepared.data.test() == null ? 0 : prepared.data.test().rows());
            HistoryRecorder recorder = new HistoryRecorder(live, prepared.network.depth(),
                    prepared.data.validation() != null, prepared.data.test() != null, writer, metrics,
                    properties.historyFlushInterval(), properties.progressLogInterval());
            TrainingResult result = new GradientDescent(spec.alpha(), spec.iterations()).train(prepared.network,
                    prepared.data, recorder, () -> live.cancelRequested() || stopping.getAsBoolean());
            recorder.finish();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            conclude(job, owner, result, prepared, live.cancelRequested(), stopping.getAsBoolean(), took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBack(job, owner);
        } catch (io.trainyard.dataset.DatasetNotFoundException | io.trainyard.model.ModelNotFoundException e) {
            // Deleted between submission and training (the in-use check and a submission can cross).
            end(job, owner, JobStatus.FAILED, null, "missing-input", "Training could not start: " + e.getMessage()
                    + " It was deleted after this job was accepted.", Duration.ofNanos(System.nanoTime() - started));
        } catch (Exception e) {
            log.error("Job {} failed unexpectedly", job.id(), e);
            end(job, owner, JobStatus.FAILED, null, "internal",
                    "Training stopped on an internal error: " + e.getMessage(), Duration.ofNanos(System.nanoTime() - started));
        } finally {
            running.end(job.id());
        }
    }

    private void conclude(TrainingJob job, String owner, TrainingResult result, Prepared prepared,
            boolean cancelled, boolean stopping, Duration took) {
        switch (result.outcome()) {
            case COMPLETED -> {
                var last = result.last();
                StoredModel model = models.save(job.id(), new Model(result.network(), prepared.preprocessing),
                        last.trainLoss(), last.testLoss(), prepared.lineage(job, took));
                end(job, owner, JobStatus.SUCCEEDED, model.id(), null, null, took);
            }
            case DIVERGED -> end(job, owner, JobStatus.FAILED, null, "diverged", "Training " + result.message()
                    + ". Try a smaller alpha, normalize: true, or a smaller scale.", took);
            case CANCELLED -> {
                if (stopping && !cancelled) {
                    handBack(job, owner);
                } else {
                    end(job, owner, JobStatus.CANCELLED, null, null, null, took);
                }
            }
        }
    }

    private void end(TrainingJob job, String owner, JobStatus status, String modelId, String errorType,
            String errorDetail, Duration took) {
        if (jobs.finish(job.id(), owner, status, Instant.now(), modelId, errorType, errorDetail)) {
            metrics.finished(status, took);
            log.info("Job {} {} after {} s{}", job.id(), status, String.format("%.1f", took.toMillis() / 1000.0),
                    errorDetail == null ? "" : ": " + errorDetail);
        } else {
            log.warn("Job {} finished as {} but its claim had been taken over; the result is discarded", job.id(), status);
        }
    }

    private void handBack(TrainingJob job, String owner) {
        if (jobs.requeueAfterShutdown(job.id(), owner)) {
            log.info("Job {} handed back to the queue: this instance is stopping", job.id());
        }
    }

    private Prepared prepare(TrainingJob job) {
        JobSpec spec = job.spec();
        Dataset dataset = datasets.get(spec.dataset());
        double[][] trainX = dataset.trainX();
        double[][] trainY = dataset.trainY();
        double[][] validationX = null;
        double[][] validationY = null;
        int validationRows = validationRows(trainX.length, spec.validationFraction());
        if (validationRows > 0) {
            int[] order = MathArrays.natural(trainX.length);
            MathArrays.shuffle(order, new Well19937c(spec.seed() ^ SPLIT_STREAM));
            int[] validationIndex = Arrays.copyOfRange(order, 0, validationRows);
            int[] trainIndex = Arrays.copyOfRange(order, validationRows, order.length);
            Arrays.sort(validationIndex);
            Arrays.sort(trainIndex);
            validationX = rows(dataset.trainX(), validationIndex);
            validationY = rows(dataset.trainY(), validationIndex);
            trainX = rows(dataset.trainX(), trainIndex);
            trainY = rows(dataset.trainY(), trainIndex);
        }
        RealMatrix x = matrix(trainX);
        Network network;
        Preprocessing preprocessing;
        if (spec.warmStartModel() != null) {
            Model warm = models.get(spec.warmStartModel()).model();
            network = warm.network();
            preprocessing = warm.preprocessing();
        } else {
            preprocessing = Preprocessing.fit(x, spec.basisDegree(), spec.normalize());
            RandomGenerator random = new Well19937c(spec.seed());
            network = Network.initialize(job.layerSizes().stream().mapToInt(Integer::intValue).toArray(),
                    Activation.fromId(spec.activation()), spec.bias(), spec.scale(), random);
        }
        Samples train = Samples.of(preprocessing.apply(x), matrix(trainY));
        Samples validation = validationX == null ? null
                : Samples.of(preprocessing.apply(matrix(validationX)), matrix(validationY));
        Samples test = dataset.hasTest()
                ? Samples.of(preprocessing.apply(matrix(dataset.testX())), matrix(dataset.testY())) : null;
        return new Prepared(new TrainingData(train, validation, test), network, preprocessing, dataset,
                io.trainyard.model.DataDigest.sha256(trainX, trainY));
    }

    /** How many of {@code rows} training rows a validation fraction moves to the validation set. */
    static int validationRows(int rows, double fraction) {
        return (int) Math.round(rows * fraction);
    }

    private static double[][] rows(double[][] source, int[] index) {
        double[][] out = new double[index.length][];
        for (int i = 0; i < index.length; i++) {
            out[i] = source[index[i]];
        }
        return out;
    }

    private static RealMatrix matrix(double[][] rows) {
        return new Array2DRowRealMatrix(rows, false);
    }

    /** @param dataDigest of the rows trained on, after the validation split (model lineage) */
    private record Prepared(TrainingData data, Network network, Preprocessing preprocessing, Dataset dataset,
            String dataDigest) {

        io.trainyard.model.TrainingRun lineage(TrainingJob job, Duration took) {
            int features = dataset.features();
            boolean named = dataset.listed() && dataset.columns().size() == features + dataset.targets();
            return new io.trainyard.model.TrainingRun(job.sweepId(), dataset.id(), dataset.name(), dataDigest,
                    job.spec(), took, named ? dataset.columns().subList(0, features) : null,
                    named ? dataset.columns().subList(features, dataset.columns().size()) : null);
        }
    }
}
