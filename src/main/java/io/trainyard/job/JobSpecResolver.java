package io.trainyard.job;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.trainyard.dataset.DataTables;
import io.trainyard.dataset.DatasetInfo;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.DatasetNotFoundException;
import io.trainyard.dataset.TrainTestSplit;
import io.trainyard.model.ModelNotFoundException;
import io.trainyard.model.StoredModel;
import io.trainyard.model.ModelService;
import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.system.ConflictException;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.Names;
import io.trainyard.system.Seeds;
import io.trainyard.system.TrainyardProperties;

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

    JobSpecResolver(DatasetCatalog datasets, ModelService models, TrainyardProperties properties) {
        this.datasets = datasets;
        this.models = models;
        this.limits = properties.limits();
    }

    /** A valid request, resolved: the spec (dataset still unset for inline data), sizes and parsed inline data. */
    record Resolved(JobSpec spec, List<Integer> layerSizes, InlineTable inline) {

        /** This spec with its inline data stored as data set {@code id}. */
        Resolved withDataset(String id) {
            return new Resolved(spec.withDataset(id), layerSizes, null);
        }
    }

    /** Inline data, parsed and checked. */
    record InlineTable(double[][] x, double[][] y, double[][] testX, double[][] testY) {
    }

    /**
     * @throws InvalidRequestException listing every problem
     * @throws ConflictException when a warm-start model does not fit the spec
     */
    Resolved resolve(CreateJobRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw new InvalidRequestException("body", "send a JSON job spec, e.g. {\"dataset\": \"hw5\", \"alpha\": 0.001}");
        }
        Names.check(request.name(), errors);
        Activation activation = activation(request.activation(), errors);
        double scale = request.scale() == null ? DEFAULT_SCALE : request.scale();
        if (!Double.isFinite(scale) || scale < 0) {
            errors.add(new FieldError("scale", "must be a finite number >= 0, got " + scale));
        }
        if (request.alpha() == null) {
            errors.add(new FieldError("alpha", "is required: the learning rate, a number greater than 0 such as 0.001"));
        } else if (!Double.isFinite(request.alpha()) || request.alpha() <= 0) {
            errors.add(new FieldError("alpha", "must be a finite number greater than 0, got " + request.alpha()));
        }
        int iterations = request.iterations() == null ? DEFAULT_ITERATIONS : request.iterations();
        if (iterations < 0 || iterations > limits.maxIterations()) {
            errors.add(new FieldError("iterations", "must be between 0 and " + limits.maxIterations()
                    + " (trainyard.limits.max-iterations), got " + iterations));
        }
        int basisDegree = request.basisDegree() == null ? 1 : request.basisDegree();
        if (basisDegree < 1 || basisDegree > Preprocessing.MAX_BASIS_DEGREE) {
            errors.add(new FieldError("basisDegree", "must be between 1 and " + Preprocessing.MAX_BASIS_DEGREE
                    + ", got " + basisDegree));
        }
        double validationFraction = request.validationFraction() == null ? 0.0 : request.validationFraction();
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            errors.add(new FieldError("validationFraction", "must be at least 0 and less than 1, got "
                    + validationFraction));
        }
        List<Integer> hidden = hiddenLayers(request.layers(), errors);

        int inputs = -1;
        int outputs = -1;
        int trainRows = -1;
        InlineTable inline = null;
        if (request.dataset() != null && request.data() != null) {
            errors.add(new FieldError("data", "give either dataset or data, not both"));
        } else if (request.dataset() != null) {
            try {
                DatasetInfo dataset = datasets.info(request.dataset());
                inputs = dataset.features();
                outputs = dataset.targets();
                trainRows = dataset.trainRows();
            } catch (DatasetNotFoundException e) {
                errors.add(new FieldError("dataset", "unknown data set '" + request.dataset()
                        + "'; GET /datasets lists the available ones"));
            }
        } else if (request.data() != null) {
            inline = inline(request.data(), errors);
            if (inline != null) {
                inputs = inline.x()[0].length;
                outputs = inline.y()[0].length;
                trainRows = inline.x().length;
            }
        } else {
            errors.add(new FieldError("dataset", "is required: give a data set id such as \"hw5\", or inline data"));
        }
        if (trainRows > 0 && validationFraction > 0 && validationFraction < 1) {
            int validationRows = TrainTestSplit.heldOutRows(trainRows, validationFraction);
            if (validationRows == 0) {
                errors.add(new FieldError("validationFraction", validationFraction + " of " + trainRows
                        + " training rows is less than one row; use a larger fraction or 0"));
            } else if (validationRows >= trainRows) {
                errors.add(new FieldError("validationFraction", validationFraction + " of " + trainRows
                        + " training rows leaves no rows to train on"));
            }
        }

        List<Integer> layerSizes = null;
        if (inputs > 0 && hidden != null && basisDegree >= 1 && basisDegree <= Preprocessing.MAX_BASIS_DEGREE) {
            layerSizes = new ArrayList<>();
            int expanded = inputs * basisDegree;
            if (expanded > limits.maxWidth()) {
                errors.add(new FieldError("basisDegree", inputs + " input columns expanded to degree " + basisDegree
                        + " give " + expanded + " inputs, more than the width limit " + limits.maxWidth()
                        + " (trainyard.limits.max-width)"));
            }
            if (outputs > limits.maxWidth()) {
                errors.add(new FieldError("data", "the data has " + outputs + " target columns, more than the width limit "
                        + limits.maxWidth() + " (trainyard.limits.max-width)"));
            }
            layerSizes.add(expanded);
            layerSizes.addAll(hidden);
            layerSizes.add(outputs);
            long parameters = Network.parameterCount(layerSizes.stream().mapToInt(Integer::intValue).toArray(),
                    Boolean.TRUE.equals(request.bias()));
            if (parameters > limits.maxParameters()) {
                errors.add(new FieldError("layers", "layer sizes " + layerSizes + " have " + parameters
                        + " parameters, more than the limit " + limits.maxParameters()
                        + " (trainyard.limits.max-parameters)"));
            }
        }
        StoredModel warm = null;
        if (request.warmStartModel() != null) {
            try {
                warm = models.get(request.warmStartModel());
            } catch (ModelNotFoundException e) {
                errors.add(new FieldError("warmStartModel", "unknown model '" + request.warmStartModel()
                        + "'; GET /models lists the stored ones"));
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
        JobSpec spec = new JobSpec(request.name(), request.dataset(), hidden, activation, bias, scale,
                request.alpha(), iterations, seed, normalize, basisDegree, validationFraction, request.warmStartModel());
        return new Resolved(spec, layerSizes, inline);
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
            errors.add(new FieldError("layers", "has " + layers.size() + " hidden layers, more than the limit "
                    + limits.maxHiddenLayers() + " (trainyard.limits.max-hidden-layers)"));
            // One problem is enough: checking a million widths would only list a million more.
            return null;
        }
        for (int i = 0; i < layers.size(); i++) {
            Integer width = layers.get(i);
            if (width == null || width < 1) {
                errors.add(new FieldError("layers[" + i + "]", "a hidden layer needs at least 1 unit, got " + width));
                ok = false;
            } else if (width > limits.maxWidth()) {
                errors.add(new FieldError("layers[" + i + "]", "width " + width + " is more than the limit "
                        + limits.maxWidth() + " (trainyard.limits.max-width)"));
                ok = false;
            }
        }
        return ok ? List.copyOf(layers) : null;
    }

    private InlineTable inline(CreateJobRequest.InlineData data, List<FieldError> errors) {
        DataTables.Table table = DataTables.check(data.x(), data.y(), data.testX(), data.testY(), "data.", errors,
                limits.maxDataCells());
        return table == null ? null : new InlineTable(table.x(), table.y(), table.testX(), table.testY());
    }

    private static void checkWarmStart(StoredModel warm, List<Integer> layerSizes, Activation activation, boolean bias,
            int basisDegree, boolean normalize) {
        Model model = warm.model();
        Network network = model.network();
        List<String> differences = new ArrayList<>();
        List<Integer> modelSizes = java.util.Arrays.stream(network.layerSizes()).boxed().toList();
        if (!modelSizes.equals(layerSizes)) {
            differences.add("layer sizes: the model has " + modelSizes + ", this job needs " + layerSizes);
        }
        if (network.activation() != activation) {
            differences.add("activation: the model uses " + network.activation().id() + ", this job " + activation.id());
        }
        if (network.hasBias() != bias) {
            differences.add("bias: the model has " + network.hasBias() + ", this job " + bias);
        }
        if (model.preprocessing().basisDegree() != basisDegree) {
            differences.add("basisDegree: the model has " + model.preprocessing().basisDegree() + ", this job "
                    + basisDegree);
        }
        if (model.preprocessing().normalize() != normalize) {
            differences.add("normalize: the model has " + model.preprocessing().normalize() + ", this job " + normalize);
        }
        if (!differences.isEmpty()) {
            throw new ConflictException("Model " + warm.id() + " cannot warm-start this job: "
                    + String.join("; ", differences) + ".");
        }
    }
}
