package io.trainyard.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.Names;

import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A model in its portable JSON shape: what GET /models/{id} returns and POST /models imports.
 * Weights are nested arrays, {@code Wl} with {@code layerSizes[l]} rows of {@code layerSizes[l+1]}
 * numbers.
 */
@Schema(name = "Model")
record ModelDocument(
        @Schema(accessMode = Schema.AccessMode.READ_ONLY) String id,

        @Schema(
                accessMode = Schema.AccessMode.READ_ONLY,
                description = "The job that trained it; null when imported (ignored on import)")
        @JsonDeserialize(using = IgnoredOnImport.class)
        String jobId,

        @Schema(accessMode = Schema.AccessMode.READ_ONLY, description = "Ignored on import: the import's own time")
        @JsonDeserialize(using = IgnoredOnImport.class)
        Instant createdAt,

        @Schema(
                accessMode = Schema.AccessMode.READ_ONLY,
                description = "The name of the key it belongs to (a trained model: its job's owner); ignored on import",
                example = "alice")
        @JsonDeserialize(using = IgnoredOnImport.class)
        String owner,

        @Schema(example = "[5, 20, 1]") List<Integer> layerSizes,
        @Schema(example = "sigmoid") String activation,
        Boolean bias,
        PreprocessingDocument preprocessing,
        @Schema(description = "W0, W1, …") Map<String, double[][]> weights,

        @Schema(description = "b0, b1, …; null without bias")
        Map<String, double[]> biases,

        Double trainLoss,
        Double testLoss,

        @Schema(accessMode = Schema.AccessMode.READ_ONLY, description = "Where the model came from; ignored on import")
        @JsonDeserialize(using = IgnoredOnImport.class)
        Lineage lineage,

        @Schema(
                description = "Names of the raw input columns (from the training data set's header), used to match "
                        + "CSV prediction columns; null when unnamed",
                example = "[\"x1\", \"x2\"]")
        List<String> inputColumns,

        @Schema(
                description = "Names of the outputs (the data set's target columns); null when unnamed",
                example = "[\"y\"]")
        List<String> outputColumns) {

    @Schema(name = "Preprocessing")
    record PreprocessingDocument(
            @Schema(example = "1") Integer basisDegree,
            @Schema(example = "true") Boolean normalize,

            @Schema(description = "Column means of the expanded training inputs; null without normalisation")
            double[] mean,

            @Schema(description = "Column standard deviations (0 stored as 1); null without normalisation")
            double[] std) {}

    static ModelDocument from(StoredModel stored) {
        Model model = stored.model();
        Network network = model.network();
        Map<String, double[][]> weights = new LinkedHashMap<>();
        List<RealMatrix> w = network.weights();
        for (int l = 0; l < w.size(); l++) {
            weights.put("W" + l, w.get(l).getData());
        }
        Map<String, double[]> biases = null;
        if (network.hasBias()) {
            biases = new LinkedHashMap<>();
            List<RealVector> b = network.biases();
            for (int l = 0; l < b.size(); l++) {
                biases.put("b" + l, b.get(l).toArray());
            }
        }
        Preprocessing p = model.preprocessing();
        return new ModelDocument(
                stored.id(),
                stored.jobId(),
                stored.createdAt(),
                stored.owner(),
                java.util.Arrays.stream(network.layerSizes()).boxed().toList(),
                network.activation().id(),
                network.hasBias(),
                new PreprocessingDocument(p.basisDegree(), p.normalize(), p.mean(), p.std()),
                weights,
                biases,
                stored.trainLoss(),
                stored.testLoss(),
                stored.lineage(),
                stored.inputColumns(),
                stored.outputColumns());
    }

    /**
     * The model this document describes.
     *
     * @throws InvalidRequestException listing everything that does not fit together
     */
    Model toModel(int maxHiddenLayers, long maxParameters, int maxWidth) {
        List<FieldError> errors = new ArrayList<>();
        // API.md: "POST /models with that body (no id)": a GET answer minus its id imports as it is, so
        // what the service assigns besides the id (jobId, createdAt, owner, lineage) is ignored, not refused.
        if (id != null) {
            errors.add(new FieldError("id", "is assigned by the service; leave it out when importing"));
        }
        if (layerSizes == null || layerSizes.size() < 2) {
            errors.add(new FieldError("layerSizes", "needs at least an input and an output width, e.g. [5, 20, 1]"));
            throw new InvalidRequestException(errors);
        }
        // The same limit as a job's layers: a model no job could train is no model to import (and
        // thousands of layers would not even fit the stored architecture).
        if (layerSizes.size() - 2 > maxHiddenLayers) {
            errors.add(new FieldError(
                    "layerSizes",
                    "has " + (layerSizes.size() - 2) + " hidden layers, more than the limit " + maxHiddenLayers
                            + " (trainyard.limits.max-hidden-layers)"));
            throw new InvalidRequestException(errors);
        }
        int[] sizes = new int[layerSizes.size()];
        for (int i = 0; i < sizes.length; i++) {
            Integer size = layerSizes.get(i);
            if (size == null || size < 1 || size > maxWidth) {
                errors.add(
                        new FieldError("layerSizes[" + i + "]", "must be between 1 and " + maxWidth + ", got " + size));
                throw new InvalidRequestException(errors);
            }
            sizes[i] = size;
        }
        boolean hasBias = Boolean.TRUE.equals(bias);
        if (Network.parameterCount(sizes, hasBias) > maxParameters) {
            errors.add(new FieldError(
                    "layerSizes",
                    layerSizes + " have " + Network.parameterCount(sizes, hasBias) + " parameters, more than the limit "
                            + maxParameters + " (trainyard.limits.max-parameters)"));
            throw new InvalidRequestException(errors);
        }
        Activation act = null;
        if (activation == null) {
            errors.add(new FieldError("activation", "is required: one of " + Activation.ids()));
        } else {
            try {
                act = Activation.fromId(activation);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("activation", e.getMessage()));
            }
        }
        List<RealMatrix> w = new ArrayList<>();
        List<RealVector> b = new ArrayList<>();
        int depth = sizes.length - 1;
        if (weights == null) {
            errors.add(new FieldError("weights", "is required: W0..W" + (depth - 1)));
        } else {
            if (weights.size() != depth) {
                errors.add(new FieldError(
                        "weights",
                        "layer sizes " + layerSizes + " need exactly W0..W" + (depth - 1) + ", got "
                                + weights.keySet()));
            }
            for (int l = 0; l < depth; l++) {
                double[][] m = weights.get("W" + l);
                if (checkMatrix(m, "weights.W" + l, sizes[l], sizes[l + 1], errors)) {
                    w.add(new Array2DRowRealMatrix(m, false));
                }
            }
        }
        if (hasBias) {
            if (biases == null || biases.size() != depth) {
                errors.add(new FieldError(
                        "biases",
                        "bias: true needs b0..b" + (depth - 1) + ", got "
                                + (biases == null ? "none" : biases.keySet())));
            } else {
                for (int l = 0; l < depth; l++) {
                    double[] v = biases.get("b" + l);
                    if (checkVector(v, "biases.b" + l, sizes[l + 1], errors)) {
                        b.add(new ArrayRealVector(v, false));
                    }
                }
            }
        } else if (biases != null && !biases.isEmpty()) {
            errors.add(new FieldError(
                    "biases", "must be null when bias is false (the default); send \"bias\": true to import them"));
        }
        Preprocessing pipeline = null;
        int degree = preprocessing == null || preprocessing.basisDegree() == null ? 1 : preprocessing.basisDegree();
        boolean normalize = preprocessing != null && Boolean.TRUE.equals(preprocessing.normalize());
        if (degree < 1 || degree > Preprocessing.MAX_BASIS_DEGREE) {
            errors.add(new FieldError(
                    "preprocessing.basisDegree",
                    "must be between 1 and " + Preprocessing.MAX_BASIS_DEGREE + ", got " + degree));
        } else if (sizes[0] % degree != 0) {
            errors.add(new FieldError(
                    "preprocessing.basisDegree",
                    "input width " + sizes[0] + " is not a multiple of the basis degree " + degree));
        } else if (normalize) {
            boolean ok = checkVector(preprocessing.mean(), "preprocessing.mean", sizes[0], errors)
                    & checkVector(preprocessing.std(), "preprocessing.std", sizes[0], errors);
            if (ok) {
                for (int j = 0; j < sizes[0]; j++) {
                    if (preprocessing.std()[j] <= 0) {
                        errors.add(new FieldError(
                                "preprocessing.std[" + j + "]",
                                "must be greater than 0, got " + preprocessing.std()[j]));
                        ok = false;
                        break;
                    }
                }
            }
            if (ok) {
                pipeline = Preprocessing.of(degree, preprocessing.mean(), preprocessing.std());
            }
        } else {
            if (preprocessing != null && (preprocessing.mean() != null || preprocessing.std() != null)) {
                errors.add(new FieldError("preprocessing", "mean and std must be null when normalize is false"));
            }
            pipeline = Preprocessing.of(degree, null, null);
        }
        if (degree >= 1 && sizes[0] % degree == 0) {
            checkNames(inputColumns, "inputColumns", sizes[0] / degree, errors);
        }
        checkNames(outputColumns, "outputColumns", sizes[sizes.length - 1], errors);
        checkLoss(trainLoss, "trainLoss", errors);
        checkLoss(testLoss, "testLoss", errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new Model(Network.of(sizes, act, w, hasBias ? b : null), pipeline);
    }

    /**
     * Losses are optional; given, they are sums of squared errors. Jackson reads the strings "NaN" and
     * "Infinity" into a Double, and such a loss would be answered as a string where a number belongs.
     */
    private static void checkLoss(Double loss, String field, List<FieldError> errors) {
        if (loss != null && !(Double.isFinite(loss) && loss >= 0)) {
            errors.add(
                    new FieldError(field, "must be a finite sum of squared errors (0 or more) or null, got " + loss));
        }
    }

    /** Column names are optional; given, there is one per column, each non-blank and different. */
    private static void checkNames(List<String> names, String field, int width, List<FieldError> errors) {
        if (names == null) {
            return;
        }
        if (names.size() != width) {
            errors.add(new FieldError(field, "has " + names.size() + " names but the model has " + width + " columns"));
            return;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank() || Names.tooLong(name)) {
                errors.add(new FieldError(
                        field + "[" + i + "]",
                        "must be a non-blank name of at most " + Names.MAX_LENGTH + " characters"));
            } else if (Names.characterProblem(name) != null) {
                errors.add(new FieldError(field + "[" + i + "]", Names.characterProblem(name)));
            } else if (!seen.add(name)) {
                errors.add(new FieldError(field + "[" + i + "]", "repeats the name '" + name + "'"));
            }
        }
    }

    private static boolean checkMatrix(double[][] m, String field, int rows, int cols, List<FieldError> errors) {
        if (m == null) {
            errors.add(new FieldError(field, "is missing; expected " + rows + "×" + cols));
            return false;
        }
        if (m.length != rows) {
            errors.add(new FieldError(field, "has " + m.length + " rows, expected " + rows + "×" + cols));
            return false;
        }
        for (int r = 0; r < rows; r++) {
            if (!checkVector(m[r], field + "[" + r + "]", cols, errors)) {
                return false;
            }
        }
        return true;
    }

    private static boolean checkVector(double[] v, String field, int length, List<FieldError> errors) {
        if (v == null) {
            errors.add(new FieldError(field, "is missing; expected " + length + " numbers"));
            return false;
        }
        if (v.length != length) {
            errors.add(new FieldError(field, "has " + v.length + " numbers, expected " + length));
            return false;
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                errors.add(new FieldError(field + "[" + i + "]", "must be a finite number, got " + v[i]));
                return false;
            }
        }
        return true;
    }
}
