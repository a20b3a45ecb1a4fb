package io.trainyard.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;
import io.trainyard.system.DoubleArrays;
import io.trainyard.system.PageCursor;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored models: architecture and preprocessing as columns, all weights and biases in one packed blob.
 * A row is inserted once and deleted, never updated ({@link ModelCache} relies on that).
 */
@Repository
class ModelRepository {

    private final JdbcClient jdbc;

    private final JsonMapper json;

    ModelRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * @param owner the importing caller; a model trained by a job belongs to the job's owner instead
     *     (the training side has no caller)
     */
    void insert(StoredModel stored, String owner) {
        Model model = stored.model();
        Network network = model.network();
        Preprocessing preprocessing = model.preprocessing();
        Lineage lineage = stored.lineage();
        jdbc.sql("""
                INSERT INTO models (id, job_id, created_at, layer_sizes, activation, bias, basis_degree,
                    preprocessing_mean, preprocessing_std, parameters, train_loss, test_loss, sweep_id, dataset_id,
                    dataset_name, data_digest, spec, app_version, app_commit, matrix_products, training_seconds,
                    imported, input_columns, owner)
                VALUES (:id, :job, :createdAt, :layerSizes, :activation, :bias, :degree, :mean, :std, :parameters,
                    :trainLoss, :testLoss, :sweep, :dataset, :datasetName, :digest, :spec, :version, :commit,
                    :products, :seconds, :imported, :columns,
                    COALESCE((SELECT j.owner FROM jobs j WHERE j.id = :job), :owner))""")
                .param("id", stored.id())
                .param("owner", owner)
                .param("job", stored.jobId())
                .param("createdAt", OffsetDateTime.ofInstant(stored.createdAt(), ZoneOffset.UTC))
                .param("layerSizes", json.writeValueAsString(network.layerSizes()))
                .param("activation", network.activation().id())
                .param("bias", network.hasBias())
                .param("degree", preprocessing.basisDegree())
                .param("mean", preprocessing.mean() == null ? null : DoubleArrays.encode(preprocessing.mean()))
                .param("std", preprocessing.std() == null ? null : DoubleArrays.encode(preprocessing.std()))
                .param("parameters", pack(network))
                .param("trainLoss", stored.trainLoss())
                .param("testLoss", stored.testLoss())
                .param("sweep", lineage.sweepId())
                .param("dataset", lineage.datasetId())
                .param("datasetName", lineage.datasetName())
                .param("digest", lineage.dataDigest())
                .param("spec", lineage.spec() == null ? null : json.writeValueAsString(lineage.spec()))
                .param("version", lineage.version())
                .param("commit", lineage.commit())
                .param("products", io.trainyard.system.Rows.truncate(lineage.matrixProducts(), 1000))
                .param("seconds", lineage.trainingSeconds())
                .param("imported", lineage.imported())
                .param(
                        "columns",
                        stored.inputColumns() == null && stored.outputColumns() == null
                                ? null
                                : json.writeValueAsString(new Columns(stored.inputColumns(), stored.outputColumns())))
                .update();
    }

    /** A stored model and the owner it belongs to, for the owner check every request makes. */
    record Owned(StoredModel model, String owner) {}

    /**
     * The model with this id, whoever owns it: the caller's access is decided by {@link ModelService}
     * on every request, so that what it caches is the model, never a decision for one caller.
     */
    Optional<Owned> find(String id) {
        return jdbc.sql("SELECT * FROM models WHERE id = :id")
                .param("id", id)
                .query(this::owned)
                .optional();
    }

    /** Whether a model with this id is stored (its weights are not read). */
    boolean exists(String id) {
        return !jdbc.sql("SELECT id FROM models WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .list()
                .isEmpty();
    }

    /**
     * The models with these ids that exist, by id, in one query (a page of whole models reads them
     * together, not one query a model).
     */
    Map<String, Owned> findAll(Collection<String> ids) {
        Map<String, Owned> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbc.sql("SELECT * FROM models WHERE id IN (:ids)")
                .param("ids", ids)
                .query(this::owned)
                .list()
                .forEach(owned -> found.put(owned.model().id(), owned));
        return found;
    }

    private Owned owned(ResultSet rs, int row) throws SQLException {
        return new Owned(map(rs, row), rs.getString("owner"));
    }

    /**
     * One page of models, newest first, after the given position (null for the first page), without
     * their weights: a list of large models must not decode gigabytes it does not show.
     */
    List<ModelDocument> page(String owner, PageCursor after, int limit) {
        String columns = "id, job_id, created_at, layer_sizes, activation, bias, basis_degree, preprocessing_mean, "
                + "preprocessing_std, train_loss, test_loss, owner, " + LINEAGE_COLUMNS;
        StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM models WHERE 1 = 1");
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        if (owner != null) {
            sql.append(" AND owner = :owner");
            params.put("owner", owner);
        }
        if (after != null) {
            sql.append(" AND (created_at < :after OR (created_at = :after AND id < :afterId))");
            params.put("after", OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC));
            params.put("afterId", after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(this::summary).list();
    }

    private ModelDocument summary(ResultSet rs, int row) throws SQLException {
        List<Integer> sizes = json.readValue(rs.getString("layer_sizes"), new TypeReference<List<Integer>>() {});
        double[] mean = DoubleArrays.decode(rs.getBytes("preprocessing_mean"));
        Columns columns = columns(rs);
        return new ModelDocument(
                rs.getString("id"),
                rs.getString("job_id"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("owner"),
                sizes,
                rs.getString("activation"),
                rs.getBoolean("bias"),
                new ModelDocument.PreprocessingDocument(
                        rs.getInt("basis_degree"),
                        mean != null,
                        mean,
                        DoubleArrays.decode(rs.getBytes("preprocessing_std"))),
                null,
                null,
                nullable(rs, "train_loss"),
                nullable(rs, "test_loss"),
                lineage(rs),
                columns.inputs(),
                columns.outputs());
    }

    /** The names of a model's raw inputs and outputs, stored together as one JSON object. */
    record Columns(java.util.List<String> inputs, java.util.List<String> outputs) {
        static final Columns NONE = new Columns(null, null);
    }

    private static final String LINEAGE_COLUMNS = "sweep_id, dataset_id, dataset_name, data_digest, spec, app_version, "
            + "app_commit, matrix_products, training_seconds, imported, input_columns";

    private Columns columns(ResultSet rs) throws SQLException {
        String stored = rs.getString("input_columns");
        return stored == null ? Columns.NONE : json.readValue(stored, Columns.class);
    }

    private Lineage lineage(ResultSet rs) throws SQLException {
        String spec = rs.getString("spec");
        return new Lineage(
                rs.getString("job_id"),
                rs.getString("sweep_id"),
                rs.getString("dataset_id"),
                rs.getString("dataset_name"),
                rs.getString("data_digest"),
                spec == null ? null : json.readTree(spec),
                rs.getString("app_version"),
                rs.getString("app_commit"),
                rs.getString("matrix_products"),
                nullable(rs, "training_seconds"),
                rs.getBoolean("imported"));
    }

    private static Double nullable(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    boolean delete(String id, String owner) {
        if (owner == null) {
            return jdbc.sql("DELETE FROM models WHERE id = :id").param("id", id).update() == 1;
        }
        return jdbc.sql("DELETE FROM models WHERE id = :id AND owner = :owner")
                        .param("id", id)
                        .param("owner", owner)
                        .update()
                == 1;
    }

    private static byte[] pack(Network network) {
        List<RealMatrix> weights = network.weights();
        List<RealVector> biases = network.biases();
        long count = network.parameterCount();
        ByteBuffer buffer =
                ByteBuffer.allocate(Math.toIntExact(count * Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < weights.size(); l++) {
            for (double[] row : weights.get(l).getData()) {
                for (double v : row) {
                    buffer.putDouble(v);
                }
            }
            if (!biases.isEmpty()) {
                for (double v : biases.get(l).toArray()) {
                    buffer.putDouble(v);
                }
            }
        }
        return buffer.array();
    }

    private StoredModel map(ResultSet rs, int row) throws SQLException {
        int[] sizes = json.readValue(rs.getString("layer_sizes"), new TypeReference<int[]>() {});
        boolean bias = rs.getBoolean("bias");
        double[] parameters = DoubleArrays.decode(rs.getBytes("parameters"));
        List<RealMatrix> weights = new ArrayList<>();
        List<RealVector> biases = new ArrayList<>();
        int offset = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            double[][] w = new double[sizes[l]][sizes[l + 1]];
            for (double[] r : w) {
                System.arraycopy(parameters, offset, r, 0, r.length);
                offset += r.length;
            }
            weights.add(new Array2DRowRealMatrix(w, false));
            if (bias) {
                double[] b = new double[sizes[l + 1]];
                System.arraycopy(parameters, offset, b, 0, b.length);
                offset += b.length;
                biases.add(new ArrayRealVector(b, false));
            }
        }
        Network network = Network.of(sizes, Activation.fromId(rs.getString("activation")), weights, biases);
        Preprocessing preprocessing = Preprocessing.of(
                rs.getInt("basis_degree"),
                DoubleArrays.decode(rs.getBytes("preprocessing_mean")),
                DoubleArrays.decode(rs.getBytes("preprocessing_std")));
        double trainLoss = rs.getDouble("train_loss");
        Double train = rs.wasNull() ? null : trainLoss;
        double testLoss = rs.getDouble("test_loss");
        Double test = rs.wasNull() ? null : testLoss;
        Columns columns = columns(rs);
        return new StoredModel(
                rs.getString("id"),
                rs.getString("job_id"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                new Model(network, preprocessing),
                train,
                test,
                lineage(rs),
                columns.inputs(),
                columns.outputs(),
                rs.getString("owner"));
    }
}
