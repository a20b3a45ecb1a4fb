package io.trainyard.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;

import io.trainyard.dataset.Dataset;
import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.DatasetNotFoundException;
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
import io.trainyard.system.TrainyardProperties;
import tools.jackson.databind.JsonNode;

/**
 * Checks a job request against the rules and the configured limits, and fills in the defaults.
 * Collects every problem it finds, so a user fixes a spec in one round trip.
 */
@Component
class JobSpecResolver {

    static final String DEFAULT_ACTIVATION = "sigmoid";
    static final double DEFAULT_SCALE = 0.1;
    static final int DEFAULT_ITERATIONS = 1000;
    static final int MAX_NAME_LENGTH = 200;
    /** Seeds are drawn below 2^53 so that JavaScript clients read them exactly. */
    private static final long MAX_DRAWN_SEED = 1L << 53;

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
        if (request.name() != null && request.name().length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters, got "
                    + request.name().length()));
        }
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
                Dataset dataset = datasets.get(request.dataset());
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
            int validationRows = JobRunner.validationRows(trainRows, validationFraction);
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
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong(MAX_DRAWN_SEED);
        JobSpec spec = new JobSpec(request.name(), request.dataset(), hidden, activation.id(), bias, scale,
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
            ok = false;
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
        int before = errors.size();
        double[][] x = matrix(data.x(), "data.x", errors, true);
        double[][] y = targets(data.y(), "data.y", errors, true);
        double[][] testX = matrix(data.testX(), "data.testX", errors, false);
        double[][] testY = targets(data.testY(), "data.testY", errors, false);
        if (errors.size() > before) {
            return null;
        }
        if (y.length != x.length) {
            errors.add(new FieldError("data.y", "has " + y.length + " rows but data.x has " + x.length));
        }
        if ((testX == null) != (testY == null)) {
            errors.add(new FieldError(testX == null ? "data.testX" : "data.testY",
                    "testX and testY come together; give both or neither"));
        } else if (testX != null) {
            if (testY.length != testX.length) {
                errors.add(new FieldError("data.testY", "has " + testY.length + " rows but data.testX has "
                        + testX.length));
            }
            if (testX[0].length != x[0].length) {
                errors.add(new FieldError("data.testX", "has " + testX[0].length + " columns but data.x has "
                        + x[0].length));
            }
            if (testY[0].length != y[0].length) {
                errors.add(new FieldError("data.testY", "has " + testY[0].length + " columns but data.y has "
                        + y[0].length));
            }
        }
        long cells = cells(x) + cells(y) + cells(testX) + cells(testY);
        if (cells > limits.maxDataCells()) {
            errors.add(new FieldError("data", "has " + cells + " numbers, more than the limit " + limits.maxDataCells()
                    + " (trainyard.limits.max-data-cells)"));
        }
        return errors.size() > before ? null : new InlineTable(x, y, testX, testY);
    }

    private static long cells(double[][] m) {
        return m == null ? 0 : (long) m.length * m[0].length;
    }

    /** Checks a rectangular, non-empty matrix of finite numbers. */
    static double[][] matrix(double[][] m, String field, List<FieldError> errors, boolean required) {
        if (m == null) {
            if (required) {
                errors.add(new FieldError(field, "is required: an array of rows, e.g. [[0.5, 1.0], [0.2, 3.0]]"));
            }
            return null;
        }
        if (m.length == 0) {
            errors.add(new FieldError(field, "needs at least one row"));
            return null;
        }
        for (int r = 0; r < m.length; r++) {
            if (m[r] == null) {
                errors.add(new FieldError(field + "[" + r + "]", "is null; every row must be an array of numbers"));
                return null;
            }
            if (m[r].length == 0) {
                errors.add(new FieldError(field + "[" + r + "]", "is empty; every row needs at least one number"));
                return null;
            }
            if (m[r].length != m[0].length) {
                errors.add(new FieldError(field + "[" + r + "]", "has " + m[r].length + " numbers but row 0 has "
                        + m[0].length + "; all rows must have the same length"));
                return null;
            }
            for (int c = 0; c < m[r].length; c++) {
                if (!Double.isFinite(m[r][c])) {
                    errors.add(new FieldError(field + "[" + r + "][" + c + "]", "must be a finite number, got " + m[r][c]));
                    return null;
                }
            }
        }
        return m;
    }

    /** Targets as rows, or a flat array for one output. */
    static double[][] targets(JsonNode node, String field, List<FieldError> errors, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required: an array of target rows, or a flat array for one output"));
            }
            return null;
        }
        if (!node.isArray()) {
            errors.add(new FieldError(field, "must be an array of rows or a flat array of numbers"));
            return null;
        }
        double[][] rows = new double[node.size()][];
        for (int r = 0; r < node.size(); r++) {
            JsonNode item = node.get(r);
            if (item.isNumber()) {
                rows[r] = new double[] {item.asDouble()};
            } else if (item.isArray()) {
                rows[r] = new double[item.size()];
                for (int c = 0; c < item.size(); c++) {
                    if (!item.get(c).isNumber()) {
                        errors.add(new FieldError(field + "[" + r + "][" + c + "]", "must be a number, got " + item.get(c)));
                        return null;
                    }
                    rows[r][c] = item.get(c).asDouble();
                }
            } else {
                errors.add(new FieldError(field + "[" + r + "]", "must be a number or an array of numbers, got " + item));
                return null;
            }
            if (r > 0 && item.isNumber() != node.get(0).isNumber()) {
                errors.add(new FieldError(field + "[" + r + "]", "mixes flat numbers and rows; use one form"));
                return null;
            }
        }
        return matrix(rows, field, errors, required);
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
