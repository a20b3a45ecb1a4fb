package io.trainyard.job;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.trainyard.dataset.DataTables;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.DatasetInfo;
import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.dataset.TrainTestSplit;
import io.trainyard.model.ModelNotFoundException;
import io.trainyard.model.ModelService;
import io.trainyard.model.StoredModel;
import io.trainyard.nn.Activation;
import io.trainyard.nn.EarlyStopping;
import io.trainyard.nn.MemoryEstimate;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Optimizer;
import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.Names;
import io.trainyard.system.Seeds;
import io.trainyard.system.TrainyardProperties;
import io.trainyard.system.WholeNumberRange;

/**
 * Checks a job request against the rules and the configured limits, and fills in the defaults.
 * Collects every problem it finds, so a user fixes a spec in one round trip.
 */
@Component
class JobSpecResolver {

    static final String DEFAULT_ACTIVATION = "sigmoid";
    static final double DEFAULT_SCALE = 0.1;
    static final int DEFAULT_ITERATIONS = 1000;

    private final DatasetCatalog datasets;
    private final ModelService models;
    private final TrainyardProperties.Limits limits;
    private final JobSpecRanges ranges;

    JobSpecResolver(
            DatasetCatalog datasets, ModelService models, TrainyardProperties properties, JobSpecRanges ranges) {
        this.datasets = datasets;
        this.models = models;
        this.limits = properties.limits();
        this.ranges = ranges;
    }

    /**
     * A valid request, resolved: the spec (dataset still unset for inline data), sizes, parsed inline
     * data, the estimated working memory and the rows the job trains on (its data's training rows less
     * those {@code validationFraction} holds out), validates on and tests on.
     */
    record Resolved(
            JobSpec spec,
            List<Integer> layerSizes,
            DataTables.Table inline,
            long parameters,
            long estimatedMemoryBytes,
            int trainingRows,
            int validationRows,
            int testRows) {

        /** This spec with its inline data stored as data set {@code id}. */
        Resolved withDataset(String id) {
            return new Resolved(
                    spec.withDataset(id),
                    layerSizes,
                    null,
                    parameters,
                    estimatedMemoryBytes,
                    trainingRows,
                    validationRows,
                    testRows);
        }

        /**
         * What decides how the job trains, and nothing else: its spec without the name, and a
         * {@code batchSize} of at least the training rows as the full batch it is (API.md: "batchSize
         * ≥ n is full batch", no permutation is drawn). Two jobs on the same data with equal ones
         * train bit-identically; values that merely look alike (0.2 and 0.2000001) stay apart.
         */
        JobSpec training() {
            Integer batch = spec.batchSize() != null && spec.batchSize() >= trainingRows ? null : spec.batchSize();
            return new JobSpec(
                    null,
                    spec.dataset(),
                    spec.layers(),
                    spec.activation(),
                    spec.bias(),
                    spec.scale(),
                    spec.alpha(),
                    spec.iterations(),
                    spec.seed(),
                    spec.normalize(),
                    spec.basisDegree(),
                    spec.validationFraction(),
                    spec.warmStartModel(),
                    spec.optimizer(),
                    batch,
                    spec.earlyStopping());
        }
    }

    /**
     * @param shared the inline data a sweep's member trains on, checked once for every member (the
     *     member's own {@code dataset} and {@code data} are then null); null for a request that brings
     *     its own data or names a data set
     * @throws InvalidRequestException listing every problem
     * @throws ConflictException when a warm-start model does not fit the spec
     */
    Resolved resolve(CreateJobRequest request, CheckedInlineData shared) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw new InvalidRequestException(
                    "body", "send a JSON job spec, e.g. {\"dataset\": \"hw5\", \"alpha\": 0.001}");
        }
        if (shared != null && (request.dataset() != null || request.data() != null)) {
            throw new IllegalArgumentException("a member on shared inline data names no data of its own");
        }
        Names.check(request.name(), errors);
        Activation activation = activation(request.activation(), errors);
        double scale = request.scale() == null ? DEFAULT_SCALE : request.scale();
        if (!Double.isFinite(scale) || scale < 0) {
            errors.add(new FieldError("scale", "must be a finite number >= 0, got " + scale));
        }
        if (request.alpha() == null) {
            errors.add(
                    new FieldError("alpha", "is required: the learning rate, a number greater than 0 such as 0.001"));
        } else if (!Double.isFinite(request.alpha()) || request.alpha() <= 0) {
            errors.add(new FieldError("alpha", "must be a finite number greater than 0, got " + request.alpha()));
        }
        int iterations = request.iterations() == null ? DEFAULT_ITERATIONS : request.iterations();
        if (!ranges.iterations().contains(iterations)) {
            errors.add(new FieldError("iterations", ranges.iterations().mustBe(iterations)));
        }
        int basisDegree = request.basisDegree() == null ? 1 : request.basisDegree();
        if (!ranges.basisDegree().contains(basisDegree)) {
            errors.add(new FieldError("basisDegree", ranges.basisDegree().mustBe(basisDegree)));
        }
        double validationFraction = request.validationFraction() == null ? 0.0 : request.validationFraction();
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            errors.add(new FieldError(
                    "validationFraction", "must be at least 0 and less than 1, got " + validationFraction));
        }
        List<Integer> hidden = hiddenLayers(request.layers(), errors);
        Optimizer optimizer = optimizer(request.optimizer(), errors);
        if (request.batchSize() != null && !ranges.batchSize().contains(request.batchSize())) {
            errors.add(new FieldError("batchSize", ranges.batchSize().mustBe(request.batchSize())));
        }
        EarlyStoppingOption earlyStopping = earlyStopping(request.earlyStopping(), ranges.patience(), errors);

        int inputs = -1;
        int outputs = -1;
        int trainRows = -1;
        int testRows = 0;
        int ownValidationRows = 0;
        CheckedInlineData data = shared;
        DataTables.Table inline = null;
        if (request.dataset() != null && request.data() != null) {
            errors.add(new FieldError("data", "give either dataset or data, not both"));
        } else if (request.dataset() != null) {
            try {
                DatasetInfo dataset = datasets.info(request.dataset());
                inputs = dataset.features();
                outputs = dataset.targets();
                trainRows = dataset.trainRows();
                testRows = dataset.testRows();
                ownValidationRows = dataset.validationRows();
                if (ownValidationRows > 0 && validationFraction > 0) {
                    errors.add(new FieldError(
                            "validationFraction",
                            "data set '" + request.dataset() + "' has its own "
                                    + "validation part (" + ownValidationRows
                                    + " rows), which jobs on it validate on; leave "
                                    + "validationFraction out or 0"));
                }
            } catch (DatasetNotFoundException e) {
                errors.add(new FieldError(
                        "dataset",
                        "unknown data set '" + request.dataset() + "'; GET /datasets lists the available ones"));
            }
        } else if (request.data() != null || shared != null) {
            if (shared == null) {
                data = CheckedInlineData.check(request.data(), "data.", errors, limits.maxDataCells());
            }
            inline = data == null ? null : data.table();
            if (inline != null) {
                inputs = inline.x()[0].length;
                outputs = inline.y()[0].length;
                trainRows = inline.x().length;
                testRows = inline.testX() == null ? 0 : inline.testX().length;
                ownValidationRows = inline.validationX() == null ? 0 : inline.validationX().length;
                if (ownValidationRows > 0 && validationFraction > 0) {
                    errors.add(new FieldError(
                            "validationFraction",
                            "give either data.validationX/validationY or " + "validationFraction, not both"));
                }
            }
        } else {
            errors.add(new FieldError("dataset", "is required: give a data set id such as \"hw5\", or inline data"));
        }
        if (trainRows > 0 && validationFraction > 0 && validationFraction < 1) {
            int validationRows = TrainTestSplit.heldOutRows(trainRows, validationFraction);
            if (validationRows == 0) {
                errors.add(new FieldError(
                        "validationFraction",
                        validationFraction + " of " + trainRows
                                + " training rows is less than one row; use a larger fraction or 0"));
            } else if (validationRows >= trainRows) {
                errors.add(new FieldError(
                        "validationFraction",
                        validationFraction + " of " + trainRows + " training rows leaves no rows to train on"));
            }
        }

        int validationRows = ownValidationRows;
        if (ownValidationRows == 0 && trainRows > 0 && validationFraction > 0 && validationFraction < 1) {
            validationRows = TrainTestSplit.heldOutRows(trainRows, validationFraction);
        }
        if (earlyStopping != null
                && EarlyStopping.Monitor.VALIDATION.id().equals(earlyStopping.monitor())
                && trainRows > 0
                && validationRows == 0) {
            errors.add(new FieldError(
                    "earlyStopping.monitor",
                    "monitors the validation loss but the job has no "
                            + "validation set; set validationFraction (e.g. 0.2), give data.validationX/validationY, or "
                            + "monitor \"train\""));
        }

        List<Integer> layerSizes = null;
        long parameterCount = 0;
        long memory = 0;
        if (inputs > 0 && hidden != null && ranges.basisDegree().contains(basisDegree)) {
            layerSizes = new ArrayList<>();
            int expanded = inputs * basisDegree;
            // Named where the cause is: data too wide for any network is the data's (its x or y, or the
            // data set), basisDegree only when the expansion makes data that fits too wide.
            if (inputs > limits.maxWidth()) {
                errors.add(tooWide(request, "x", DataTables.widthProblem(inputs, 0, limits.maxWidth())));
            } else if (expanded > limits.maxWidth()) {
                errors.add(new FieldError(
                        "basisDegree",
                        inputs + " input columns expanded to degree " + basisDegree
                                + " give " + expanded + " inputs, more than the width limit " + limits.maxWidth()
                                + " (trainyard.limits.max-width)"));
            }
            if (outputs > limits.maxWidth()) {
                errors.add(tooWide(request, "y", DataTables.widthProblem(0, outputs, limits.maxWidth())));
            }
            layerSizes.add(expanded);
            layerSizes.addAll(hidden);
            layerSizes.add(outputs);
            long parameters = Network.parameterCount(
                    layerSizes.stream().mapToInt(Integer::intValue).toArray(), Boolean.TRUE.equals(request.bias()));
            parameterCount = parameters;
            if (parameters > limits.maxParameters()) {
                errors.add(new FieldError(
                        "layers",
                        "layer sizes " + layerSizes + " have " + parameters
                                + " parameters, more than the limit " + limits.maxParameters()
                                + " (trainyard.limits.max-parameters)"));
            } else if (optimizer != null && (request.batchSize() == null || request.batchSize() >= 1)) {
                memory = new MemoryEstimate(
                                inputs,
                                layerSizes.stream().mapToInt(Integer::intValue).toArray(),
                                Boolean.TRUE.equals(request.bias()),
                                activation,
                                trainRows - (validationRows - ownValidationRows),
                                validationRows,
                                testRows,
                                request.batchSize(),
                                optimizer,
                                earlyStopping != null && earlyStopping.restoreBest())
                        .bytes();
                long limit = limits.maxJobMemoryBytes();
                if (memory > limit) {
                    errors.add(new FieldError(
                            "layers",
                            String.format(
                                    "this job needs an estimated %d bytes (%.1f MiB) "
                                            + "of working memory for %d training, %d validation and %d test rows through layer sizes "
                                            + "%s, more than the limit %d bytes (%.1f MiB, trainyard.limits.max-job-memory); use "
                                            + "narrower or fewer layers, fewer rows or a lower basisDegree",
                                    memory,
                                    memory / 1048576.0,
                                    trainRows - (validationRows - ownValidationRows),
                                    validationRows,
                                    testRows,
                                    layerSizes,
                                    limit,
                                    limit / 1048576.0)));
                }
            }
        }
        if (data != null
                && request.warmStartModel() == null
                // Finite raw inputs stay finite through a degree-1 expansion without normalisation.
                && (basisDegree > 1 || Boolean.TRUE.equals(request.normalize()))
                && ranges.basisDegree().contains(basisDegree)) {
            // Refused here rather than failing the job: the preprocessing is fitted on these rows when it
            // starts, and the held-out rows go through it.
            errors.addAll(data.unusable(basisDegree, Boolean.TRUE.equals(request.normalize())));
        }
        StoredModel warm = null;
        if (request.warmStartModel() != null) {
            try {
                warm = models.get(request.warmStartModel());
            } catch (ModelNotFoundException e) {
                errors.add(new FieldError(
                        "warmStartModel",
                        "unknown model '" + request.warmStartModel() + "'; GET /models lists the stored ones"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        boolean bias = Boolean.TRUE.equals(request.bias());
        boolean normalize = Boolean.TRUE.equals(request.normalize());
        if (warm != null) {
            checkWarmStart(warm, layerSizes, activation, bias, basisDegree, normalize);
        }
        long seed = request.seed() != null ? request.seed() : Seeds.draw();
        JobSpec spec = new JobSpec(
                request.name(),
                request.dataset(),
                hidden,
                activation,
                bias,
                scale,
                request.alpha(),
                iterations,
                seed,
                normalize,
                basisDegree,
                validationFraction,
                request.warmStartModel(),
                OptimizerOption.of(optimizer),
                request.batchSize(),
                earlyStopping);
        return new Resolved(
                spec,
                layerSizes,
                inline,
                parameterCount,
                memory,
                trainRows - (validationRows - ownValidationRows),
                validationRows,
                testRows);
    }

    /** The engine optimizer the request names, with its defaults; null after adding its problems to {@code errors}. */
    /**
     * Data wider than any network may be: a data set can only be so when the limit was lowered after
     * its upload; inline data names its own part ({@code data.x}, {@code data.y}).
     */
    private static FieldError tooWide(CreateJobRequest request, String part, String problem) {
        return request.dataset() != null
                ? new FieldError("dataset", "data set '" + request.dataset() + "' " + problem)
                : new FieldError("data." + part, problem);
    }

    private static Optimizer optimizer(OptimizerOption option, List<FieldError> errors) {
        if (option == null) {
            return Optimizer.gd();
        }
        if (option.type() == null) {
            errors.add(new FieldError("optimizer.type", "is required: one of [gd, momentum, adam]"));
            return null;
        }
        Optimizer defaults;
        try {
            defaults = Optimizer.withDefaults(option.type());
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("optimizer.type", e.getMessage()));
            return null;
        }
        int before = errors.size();
        String type = defaults.id();
        if (!(defaults instanceof Optimizer.Momentum)) {
            unused(type, "beta", option.beta(), errors);
        }
        if (!(defaults instanceof Optimizer.Adam)) {
            unused(type, "beta1", option.beta1(), errors);
            unused(type, "beta2", option.beta2(), errors);
            unused(type, "epsilon", option.epsilon(), errors);
        }
        if (defaults instanceof Optimizer.Momentum) {
            decay("optimizer.beta", option.beta(), errors);
        }
        if (defaults instanceof Optimizer.Adam) {
            decay("optimizer.beta1", option.beta1(), errors);
            decay("optimizer.beta2", option.beta2(), errors);
            if (option.epsilon() != null && !(option.epsilon() > 0 && Double.isFinite(option.epsilon()))) {
                errors.add(new FieldError(
                        "optimizer.epsilon", "must be a finite number greater than 0, got " + option.epsilon()));
            }
        }
        if (errors.size() > before) {
            return null;
        }
        if (defaults instanceof Optimizer.Momentum m) {
            return new Optimizer.Momentum(option.beta() == null ? m.beta() : option.beta());
        }
        if (defaults instanceof Optimizer.Adam a) {
            return new Optimizer.Adam(
                    option.beta1() == null ? a.beta1() : option.beta1(),
                    option.beta2() == null ? a.beta2() : option.beta2(),
                    option.epsilon() == null ? a.epsilon() : option.epsilon());
        }
        return defaults;
    }

    private static void unused(String type, String parameter, Double value, List<FieldError> errors) {
        if (value != null) {
            errors.add(new FieldError(
                    "optimizer." + parameter,
                    type + " has no parameter " + parameter + " (got " + value
                            + "); momentum takes beta, adam takes beta1, beta2 and epsilon"));
        }
    }

    /** A decay rate: at least 0 and below 1 (1 would never forget a gradient). */
    private static void decay(String field, Double value, List<FieldError> errors) {
        if (value != null && !(value >= 0 && value < 1)) {
            errors.add(new FieldError(field, "must be at least 0 and below 1, got " + value));
        }
    }

    /** Early stopping with every default filled in; null when absent or after adding its problems. */
    private static EarlyStoppingOption earlyStopping(
            EarlyStoppingOption option, WholeNumberRange patiences, List<FieldError> errors) {
        if (option == null) {
            return null;
        }
        int before = errors.size();
        int patience = option.patience() == null ? EarlyStoppingOption.DEFAULT_PATIENCE : option.patience();
        if (!patiences.contains(patience)) {
            errors.add(new FieldError("earlyStopping.patience", patiences.mustBe(patience)));
        }
        double minDelta = option.minDelta() == null ? EarlyStopping.DEFAULT_MIN_DELTA : option.minDelta();
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            errors.add(new FieldError("earlyStopping.minDelta", "must be a finite number >= 0, got " + minDelta));
        }
        String monitor = EarlyStopping.Monitor.VALIDATION.id();
        if (option.monitor() != null) {
            try {
                monitor = EarlyStopping.Monitor.fromId(option.monitor()).id();
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("earlyStopping.monitor", e.getMessage()));
            }
        }
        boolean restoreBest = option.restoreBest() == null || option.restoreBest();
        return errors.size() > before ? null : new EarlyStoppingOption(patience, minDelta, monitor, restoreBest);
    }

    private static Activation activation(String name, List<FieldError> errors) {
        if (name == null) {
            return Activation.fromId(DEFAULT_ACTIVATION);
        }
        try {
            return Activation.fromId(name);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("activation", e.getMessage()));
            return Activation.fromId(DEFAULT_ACTIVATION);
        }
    }

    private List<Integer> hiddenLayers(List<Integer> layers, List<FieldError> errors) {
        if (layers == null) {
            return List.of();
        }
        boolean ok = true;
        if (layers.size() > limits.maxHiddenLayers()) {
            errors.add(new FieldError(
                    "layers",
                    "has " + layers.size() + " hidden layers, more than the limit " + limits.maxHiddenLayers()
                            + " (trainyard.limits.max-hidden-layers)"));
            // One problem is enough: checking a million widths would only list a million more.
            return null;
        }
        for (int i = 0; i < layers.size(); i++) {
            Integer width = layers.get(i);
            if (width == null) {
                errors.add(new FieldError(
                        "layers[" + i + "]",
                        "a hidden layer's width must be " + ranges.width().describe() + ", got null"));
                ok = false;
            } else if (!ranges.width().contains(width)) {
                errors.add(new FieldError(
                        "layers[" + i + "]",
                        "a hidden layer's width " + ranges.width().mustBe(width)));
                ok = false;
            }
        }
        return ok ? List.copyOf(layers) : null;
    }

    private static void checkWarmStart(
            StoredModel warm,
            List<Integer> layerSizes,
            Activation activation,
            boolean bias,
            int basisDegree,
            boolean normalize) {
        Model model = warm.model();
        Network network = model.network();
        List<String> differences = new ArrayList<>();
        List<Integer> modelSizes =
                java.util.Arrays.stream(network.layerSizes()).boxed().toList();
        if (!modelSizes.equals(layerSizes)) {
            differences.add("layer sizes: the model has " + modelSizes + ", this job needs " + layerSizes);
        }
        if (network.activation() != activation) {
            differences.add(
                    "activation: the model uses " + network.activation().id() + ", this job " + activation.id());
        }
        if (network.hasBias() != bias) {
            differences.add("bias: the model has " + network.hasBias() + ", this job " + bias);
        }
        if (model.preprocessing().basisDegree() != basisDegree) {
            differences.add(
                    "basisDegree: the model has " + model.preprocessing().basisDegree() + ", this job " + basisDegree);
        }
        if (model.preprocessing().normalize() != normalize) {
            differences.add(
                    "normalize: the model has " + model.preprocessing().normalize() + ", this job " + normalize);
        }
        if (!differences.isEmpty()) {
            throw new ConflictException(
                    "Model " + warm.id() + " cannot warm-start this job: " + String.join("; ", differences) + ".");
        }
    }
}
